package kata;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import kata.Logins.Login;
import kata.harness.Connection;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import kata.harness.TokenForge;
import org.json.JSONObject;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step 11: a live connection outlives its first token. Told {@code token_expiring}, it sends a fresh token of
 * the same login ({@code reauth}) and lives until that one expires; a token of another user or login, an older
 * one or none is refused and ends it. The app's clock stands still ({@link StoppedClockApp}): a test moves it to
 * {@link StoppedClockApp#LEFT} before a token's exp and connects with it. An hour passes in a second, never with a sleep.
 */
@Order(3)
class ReauthTest {

    private static final StoppedClockApp stopped = new StoppedClockApp();

    @RegisterExtension
    static final RunningApp<App> app = stopped.app;

    @RegisterExtension
    final Sockets sockets = new Sockets(app);

    private static String reauth(Connection connection, String token) {
        return connection.ask(Reauth.EVENT, new JSONObject(Map.of("token", token)));
    }

    @Test
    void after_a_good_reauth_the_connection_outlives_its_first_token_then_ends_at_the_new_one() {
        Login login = Logins.login(app.http(), "john");
        stopped.nearItsEnd(login.token(), StoppedClockApp.LEFT);
        long connecting = System.nanoTime();
        Connection john = sockets.connectWithPayload(login.token());
        john.awaitEvent(TokenLifetimes.TOKEN_EXPIRING, Duration.ofSeconds(3), "");
        Login fresh = Logins.refreshed(app.http(), login.refreshToken());
        // the fresh token lives an hour from here: the clock moves on to 1.5 s before its end, past the first one's
        stopped.nearItsEnd(fresh.token(), StoppedClockApp.LEFT.multipliedBy(3).dividedBy(2));

        String answer = reauth(john, fresh.token());

        assertThat(answer).as("the ack of a good reauth. Open " + Logins.REAUTH)
                .isEqualTo("{\"expiresAt\":" + StoppedClockApp.expiryOf(fresh.token()).toEpochMilli() + "}");
        // the first token's end, by the real time, was LEFT after the connection opened
        Duration pastFirstExp = StoppedClockApp.LEFT.plusMillis(300).minusNanos(System.nanoTime() - connecting);
        if (!pastFirstExp.isNegative()) {
            john.assertNoEvent("session_ended", pastFirstExp, "the connection was renewed: its first token's exp is not its end."
                    + " Open " + Logins.REAUTH);
        }
        assertThat(john.ask("whoami")).isEqualTo("john");
        assertThat(john.awaitEvent("session_ended", Duration.ofSeconds(4), "without another reauth, it ends at the new token's exp")
                .payload()).isEqualTo("session expired");
    }

    @Test
    void a_token_of_another_user_or_another_login_is_refused_and_the_connection_ends() {
        Login login = Logins.login(app.http(), "john");
        Connection john = sockets.connectWithPayload(login.token());
        Connection johnAgain = sockets.connectWithPayload(Logins.login(app.http(), "john").token());

        String janes = reauth(john, Logins.login(app.http(), "jane").token());
        String anotherLogin = reauth(johnAgain, Logins.login(app.http(), "john").token());

        assertThat(janes).as("jane's token on john's connection. Open " + Logins.REAUTH).isEqualTo("{\"error\":\"invalid token\"}");
        assertThat(john.awaitEvent("session_ended").payload()).isEqualTo("invalid token");
        assertThat(anotherLogin).as("john's token of another login: its logout would not reach this connection. Open "
                + Logins.REAUTH).isEqualTo("{\"error\":\"invalid token\"}");
        assertThat(johnAgain.awaitEvent("session_ended").payload()).isEqualTo("invalid token");
    }

    @Test
    void a_connection_of_no_login_cannot_be_renewed() {
        // a login while Redis was away (step 10) gives an access token that names no login (no "fam"), and no refresh token
        long now = stopped.clock.instant().getEpochSecond();
        Connection john = sockets.connectWithPayload(TokenForge.valid(1, "john").claim("iat", now).claim("exp", now + 3600).signed());

        String renewed = reauth(john, TokenForge.valid(1, "john").claim("iat", now).claim("exp", now + 2 * 3600).signed());

        assertThat(renewed).as("a connection whose token names no login, renewed with another such token: nothing ties the two"
                + " to one login, and no logout of a login would reach the connection. Open " + Logins.REAUTH)
                .isEqualTo("{\"error\":\"invalid token\"}");
        assertThat(john.awaitEvent("session_ended").payload()).isEqualTo("invalid token");
    }

    @Test
    void an_older_token_a_bad_one_or_none_is_refused() {
        Login login = Logins.login(app.http(), "john");
        // a token of the same login that lives two hours by the app's clock, made with the app's secret: a token
        // from /login (an hour) ends before it
        String family = TokenForge.decode(login.token()).claims().path("fam").asText();
        long now = stopped.clock.instant().getEpochSecond();
        Connection renewed = sockets.connectWithPayload(TokenForge.valid(1, "john").claim("fam", family)
                .claim("iat", now).claim("exp", now + 2 * 3600).signed());
        Connection garbage = sockets.connectWithPayload(login.token());
        Connection empty = sockets.connectWithPayload(login.token());

        String older = reauth(renewed, login.token());
        String bad = reauth(garbage, "garbage");
        String none = empty.ask(Reauth.EVENT, new JSONObject(Map.of("nothing", "here")));

        assertThat(older).as("a replayed older token must not move the end back. Open " + Logins.REAUTH)
                .isEqualTo("{\"error\":\"stale token\"}");
        assertThat(bad).isEqualTo("{\"error\":\"invalid token\"}");
        assertThat(none).isEqualTo("{\"error\":\"no token\"}");
        for (Connection connection : new Connection[] {renewed, garbage, empty}) {
            connection.awaitEvent("session_ended", "a refused reauth ends the connection");
        }
    }
}
