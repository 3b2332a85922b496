package kata;

import static kata.harness.ReplyAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import kata.harness.Connection;
import kata.harness.Connection.Mode;
import kata.harness.Reply;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import kata.harness.TestClock;
import kata.harness.TestEnv;
import kata.harness.TokenForge;
import kata.harness.TokenForge.BadToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Step 09: POST /logout revokes the token it carries (or, with ?everywhere=true, all the user's tokens
 * issued so far), on every route and at the handshake, and ends the connections opened with it. The
 * app runs on a clock the tests move forward, to see an hour pass without waiting for it.
 */
class LogoutTest {

    private static final String ROUTE = "steps/09-token-lifetime/src/main/java/kata/LogoutRoute.java";
    private static final String REVOCATIONS = "steps/09-token-lifetime/src/main/java/kata/Revocations.java";

    private static final TestClock clock = new TestClock();

    /**
     * Ended connections (expired, logged out) are closed 0.1 s after they are told why ({@code ENDED_GRACE_MS}),
     * not 0.5 s: this class's clients use websocket, which gets the event at once; the half second is for polling.
     */
    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> App.start(Config.fromEnvironment(TestEnv.with(env, "ENDED_GRACE_MS", "100"))
            .withClock(clock)), App::httpPort).withSocketPort(App::ioPort);

    @RegisterExtension
    final Sockets sockets = new Sockets(app);

    private static String login(String username) {
        return app.http().login(username, "changeit");
    }

    private static Reply logout(String token) {
        return app.http().postWithToken("/logout", token);
    }

    private static void isEndedBecauseLoggedOut(Connection connection) {
        assertThat(connection.awaitEvent("session_ended", "POST /logout must end the connections opened with its token."
                + " Open " + ROUTE).payload()).isEqualTo("logged out");
        connection.awaitEvent("disconnect", "after session_ended, the server closes the connection");
    }

    @Test
    void logout_ends_every_tab_of_that_token_and_no_other() {
        String token = login("john");
        String otherLogin = login("john");
        Connection firstTab = sockets.connectWithPayload(token);
        Connection secondTab = sockets.connectWithPayload(token);
        Connection withTheHeader = sockets.open(token, Mode.WEBSOCKET_ONLY).awaitConnected();
        Connection otherDevice = sockets.connectWithPayload(otherLogin);

        assertThat(logout(token)).whereToLook(ROUTE).hasStatus(200).hasJson("{\"disconnected\":3}");

        isEndedBecauseLoggedOut(firstTab);
        isEndedBecauseLoggedOut(secondTab);
        isEndedBecauseLoggedOut(withTheHeader);
        assertThat(otherDevice.ask("whoami")).as("another login of john has another token: it stays").isEqualTo("john");
        otherDevice.assertNoEvent("session_ended", Duration.ofMillis(200), "its token was not the one logged out with");
    }

    @Test
    void a_revoked_token_is_refused_on_every_route_and_at_the_handshake() {
        String token = login("john");
        String otherLogin = login("john");
        assertThat(logout(token)).whereToLook(ROUTE).hasStatus(200);

        String why = ROUTE + " revokes it; " + REVOCATIONS + " remembers it; JwtStrategy asks it.";
        assertThat(app.http().getWithToken("/self", token)).whereToLook(why).hasJsonError(401, "token revoked");
        assertThat(app.http().postWithToken("/notify", token)).whereToLook(why).hasJsonError(401, "token revoked");
        assertThat(app.http().getWithToken("/users/1/online", token)).whereToLook(why).hasJsonError(401, "token revoked");
        assertThat(logout(token)).whereToLook(why).hasJsonError(401, "token revoked");
        assertThat(sockets.open(token, Mode.WEBSOCKET_ONLY).awaitRefused()).startsWith("connect_error");
        assertThat(sockets.openWithPayload(Map.of("token", token), Map.of(), Mode.WEBSOCKET_ONLY).awaitRefused())
                .isEqualTo("connect_error: {\"message\":\"invalid token\"}");

        assertThat(app.http().getWithToken("/self", otherLogin)).as("john's other token still works").hasStatus(200);
    }

    @Test
    void a_revoked_token_stays_revoked_in_every_spelling() {
        String token = login("john");
        Connection tab = sockets.connectWithPayload(token);
        assertThat(logout(token)).whereToLook(ROUTE).hasStatus(200);
        isEndedBecauseLoggedOut(tab);

        // One signed token has several texts: the signature's last character can differ in its unused low bits,
        // and a trailing "=" may follow. jjwt reads them all as the same signature.
        String why = REVOCATIONS + ": a JWT has many spellings; a revocation names the token by its jti (SignedIn.tokenId()),"
                + " never by its text, and Tokens refuses any spelling it would not have written";
        for (String respelled : TokenForge.respellings(token)) {
            assertThat(app.http().getWithToken("/self", respelled)).whereToLook(why).hasJsonError(401);
            assertThat(app.http().postWithToken("/notify", respelled)).whereToLook(why).hasJsonError(401);
            assertThat(logout(respelled)).whereToLook(why).hasJsonError(401);
            assertThat(sockets.open(respelled, Mode.WEBSOCKET_ONLY).awaitRefused()).as(why).startsWith("connect_error");
            assertThat(sockets.openWithPayload(Map.of("token", respelled), Map.of(), Mode.WEBSOCKET_ONLY).awaitRefused()).as(why)
                    .isEqualTo("connect_error: {\"message\":\"invalid token\"}");
        }
    }

    @Test
    void logout_everywhere_holds_when_the_clock_is_set_back() {
        // "everywhere" compares no clocks: john's tokens carry his stamp, and the logout gives him a new one.
        // A cutoff time would not hold here: after the clock goes back, the old token looks issued after it.
        String before = login("john");
        clock.advance(Duration.ofSeconds(-10));
        try {
            assertThat(app.http().postWithToken("/logout?everywhere=true", before)).whereToLook(ROUTE).hasStatus(200);
            assertThat(app.http().getWithToken("/self", before)).whereToLook(REVOCATIONS + ": revokeAll gives john a new stamp;"
                    + " isRevoked compares the token's stamp with his").hasJsonError(401, "token revoked");
            assertThat(app.http().getWithToken("/self", login("john"))).whereToLook(REVOCATIONS + ": /login writes john's new stamp"
                    + " into his next token, which must work at once").hasStatus(200);
        } finally {
            clock.advance(Duration.ofSeconds(10));
        }
    }

    @Test
    void logout_everywhere_ends_all_of_johns_connections_but_not_janes() {
        String first = login("john");
        String second = login("john");
        Connection phone = sockets.connectWithPayload(first);
        Connection laptop = sockets.connectWithPayload(second);
        Connection jane = sockets.connectWithPayload(login("jane"));

        assertThat(app.http().postWithToken("/logout?everywhere=true", first)).whereToLook(ROUTE)
                .hasStatus(200).hasJson("{\"disconnected\":2}");

        isEndedBecauseLoggedOut(phone);
        isEndedBecauseLoggedOut(laptop);
        assertThat(jane.ask("whoami")).as("jane did not log out").isEqualTo("jane");
        assertThat(app.http().getWithToken("/self", second)).whereToLook(REVOCATIONS + ": all of john's tokens issued so far")
                .hasJsonError(401, "token revoked");

        assertThat(app.http().getWithToken("/self", login("john"))).as("a token issued after the logout works, at once").hasStatus(200);
    }

    static List<BadToken> badTokens() {
        return java.util.stream.Stream.concat(TokenForge.badTokens().stream(), TokenForge.unrevocableTokens().stream()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void a_logout_with_a_bad_token_is_401_and_changes_nothing(BadToken bad) {
        Connection john = sockets.connectWithPayload(login("john"));
        int before = app.app().revocations().size();
        logout(login("jane")); // the control: a good logout is remembered
        assertThat(app.app().revocations().size()).as("a good logout is remembered. Open " + REVOCATIONS).isEqualTo(before + 1);

        assertThat(logout(bad.token())).whereToLook(ROUTE + ": strategy.signIn(..) first").hasJsonError(401);

        assertThat(app.app().revocations().size()).as("a refused logout revokes nothing").isEqualTo(before + 1);
        assertThat(john.ask("whoami")).isEqualTo("john");
    }

    @Test
    void many_logins_and_logouts_leave_no_unbounded_state() {
        int before = app.app().revocations().size();
        // each connection has a timer until its token's exp: a tab that came and went must leave none (20 are as
        // telling as 200: a timer left behind by each would show 20)
        for (int i = 0; i < 20; i++) {
            Connection tab = sockets.connectWithPayload(login(i % 2 == 0 ? "john" : "jane"));
            tab.close();
        }
        for (int i = 0; i < 50; i++) {
            assertThat(logout(login("john"))).whereToLook(ROUTE).hasStatus(200);
        }
        logout(login("jane"));
        app.http().postWithToken("/logout?everywhere=true", login("jane"));
        assertThat(app.app().revocations().size()).as("every revoked token is remembered until it expires. Open " + REVOCATIONS)
                .isGreaterThanOrEqualTo(before + 51);

        // an hour and a bit later, every token revoked here has expired: nothing needs remembering
        Duration later = Duration.ofHours(1).plusSeconds(2);
        clock.advance(later);
        try {
            assertThat(logout(login("jane"))).hasStatus(200);

            assertThat(app.app().revocations().size())
                    .as("a revocation lives no longer than the token it revokes: the next logout forgets the expired ones. Open "
                            + REVOCATIONS)
                    .isEqualTo(1);
        } finally {
            // back to now: the other tests' forged tokens are valid for an hour of real time
            clock.advance(later.negated());
        }
        org.awaitility.Awaitility.await().atMost(Connection.PATIENCE).untilAsserted(() -> assertThat(app.app().sockets().timers())
                .as("closed connections leave no timer behind").isZero());
    }
}
