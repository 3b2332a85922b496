package kata;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import kata.harness.Connection;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import kata.harness.TestClock;
import kata.harness.TestEnv;
import kata.harness.TokenForge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step 09: a connection lives no longer than its token. The app runs on a clock that stands still until a
 * test moves it: each test logs in (a token of an hour, as always), moves the clock to 0.6 s before that
 * token's exp, and connects with it. The connection must end 0.6 s later, by the real time: an hour is seen
 * to pass in under a second, never with a sleep, and however long a busy machine takes to connect, the
 * token has the same 0.6 s left when the server reads it.
 */
class TokenExpiryTest {

    private static final String SERVER = "steps/09-token-lifetime/src/main/java/kata/TokenLifetimes.java";

    /** What is left of the token's life when the connection opens. */
    private static final Duration LEFT = Duration.ofMillis(600);

    private static final TestClock clock = TestClock.stopped();

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

    /** A token of john's from /login, and the app's clock moved to {@link #LEFT} before its exp. */
    private static String johnsTokenNearItsEnd() {
        String token = login("john");
        Instant exp = Instant.ofEpochSecond(TokenForge.decode(token).claims().get("exp").asLong());
        clock.advance(Duration.between(clock.instant(), exp).minus(LEFT));
        return token;
    }

    /**
     * Checks that the connection, opened at {@code connecting} (System.nanoTime()), stays until (nearly)
     * its token's exp, {@link #LEFT} later, then is told and closed by the server.
     */
    private static void endsAtExpiry(Connection connection, long connecting) {
        // the server's timer started while the client connected: it cannot fire before LEFT after that
        Duration untilExp = LEFT.minusMillis(150).minusNanos(System.nanoTime() - connecting);
        if (!untilExp.isNegative()) {
            connection.assertNoEvent("session_ended", untilExp, "the token has not expired yet");
        }
        String hint = "Nothing ended this connection when its token expired. Open " + SERVER
                + ": in started(..), schedule end(client, \"session expired\") at the token's exp, measured with `clock`.";
        assertThat(connection.awaitEvent("session_ended", LEFT.plusSeconds(1), hint).payload())
                .as("the client is told why, before the server closes the connection").isEqualTo("session expired");
        connection.awaitEvent("disconnect", "after session_ended, the server closes the connection");
    }

    @Test
    void a_connection_ends_when_its_token_expires_and_is_told_why() {
        String token = johnsTokenNearItsEnd();
        Connection jane = sockets.connectWithPayload(login("jane"));
        long connecting = System.nanoTime();
        Connection john = sockets.connectWithPayload(token);

        endsAtExpiry(john, connecting);
        assertThat(jane.ask("whoami")).as("jane's token has not expired").isEqualTo("jane");
    }

    @Test
    void a_connection_authenticated_by_the_header_ends_at_expiry_too() {
        String token = johnsTokenNearItsEnd();
        Connection jane = sockets.connectWithPayload(login("jane"));
        long connecting = System.nanoTime();
        Connection john = sockets.open(token, Connection.Mode.WEBSOCKET_ONLY).awaitConnected();

        endsAtExpiry(john, connecting);
        assertThat(jane.ask("whoami")).as("jane's token has not expired").isEqualTo("jane");
    }

    @Test
    void the_expiry_of_johns_token_leaves_other_connections_alone() {
        String token = johnsTokenNearItsEnd();
        Connection jane = sockets.connectWithPayload(login("jane"));
        Connection johnLongLived = sockets.connectWithPayload(login("john"));
        long connecting = System.nanoTime();
        Connection john = sockets.connectWithPayload(token);

        endsAtExpiry(john, connecting);

        assertThat(jane.ask("whoami")).as("jane's token has not expired: her connection stays").isEqualTo("jane");
        assertThat(johnLongLived.ask("whoami")).as("john's other connection has another token, not expired").isEqualTo("john");
        assertThat(List.of(jane.events("disconnect"), johnLongLived.events("disconnect"))).allMatch(List::isEmpty);
    }
}
