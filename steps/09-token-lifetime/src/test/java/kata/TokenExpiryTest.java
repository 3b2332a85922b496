package kata;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kata.harness.Connection;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import kata.harness.TokenForge;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step 09: a connection lives no longer than its token. Tokens from /login live 3 s here
 * (TOKEN_LIFETIME), so expiry is seen in seconds, never in an hour, and never with a sleep. Each test
 * first opens a connection with an hour-long token: the control, and the warm-up of the client, so
 * that the short token is not half spent on the first connection of a busy JVM.
 */
class TokenExpiryTest {

    private static final String SERVER = "steps/09-token-lifetime/src/main/java/kata/TokenLifetimes.java";

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> {
        Map<String, String> shortTokens = new HashMap<>(env);
        shortTokens.put("TOKEN_LIFETIME", "3");
        return App.start(Config.fromEnvironment(shortTokens));
    }, App::httpPort).withSocketPort(App::ioPort);

    @RegisterExtension
    final Sockets sockets = new Sockets(app);

    private static Instant expiryOf(String token) {
        return Instant.ofEpochSecond(TokenForge.decode(token).claims().get("exp").asLong());
    }

    /** Checks that the connection stays until (nearly) its token's exp, then is told and closed by the server. */
    private static void endsAtExpiry(Connection connection, Instant exp) {
        Duration untilExp = Duration.between(Instant.now(), exp).minusMillis(150);
        if (!untilExp.isNegative()) {
            connection.assertNoEvent("session_ended", untilExp, "the token has not expired yet");
        }
        String hint = "Nothing ended this connection when its token expired. Open " + SERVER
                + ": in started(..), schedule end(client, \"session expired\") at the token's exp.";
        assertThat(connection.awaitEvent("session_ended", hint).payload())
                .as("the client is told why, before the server closes the connection").isEqualTo("session expired");
        connection.awaitEvent("disconnect", "after session_ended, the server closes the connection");
    }

    /** An hour-long token for jane, made by hand with the same secret: it outlives the short ones by far. */
    private Connection janeForAnHour() {
        return sockets.connectWithPayload(TokenForge.valid(2, "jane").signed());
    }

    @Test
    void a_connection_ends_when_its_token_expires_and_is_told_why() {
        Connection jane = janeForAnHour();
        String token = app.http().login("john", "changeit");
        Connection john = sockets.connectWithPayload(token);

        endsAtExpiry(john, expiryOf(token));
        assertThat(jane.ask("whoami")).as("jane's token has not expired").isEqualTo("jane");
    }

    @Test
    void a_connection_authenticated_by_the_header_ends_at_expiry_too() {
        Connection jane = janeForAnHour();
        String token = app.http().login("john", "changeit");
        Connection john = sockets.open(token, Connection.Mode.WEBSOCKET_ONLY).awaitConnected();

        endsAtExpiry(john, expiryOf(token));
        assertThat(jane.ask("whoami")).as("jane's token has not expired").isEqualTo("jane");
    }

    @Test
    void the_expiry_of_johns_token_leaves_other_connections_alone() {
        Connection jane = janeForAnHour();
        Connection johnLongLived = sockets.connectWithPayload(TokenForge.valid(1, "john").signed());
        String token = app.http().login("john", "changeit");
        Connection john = sockets.connectWithPayload(token);

        endsAtExpiry(john, expiryOf(token));

        assertThat(jane.ask("whoami")).as("jane's token has not expired: her connection stays").isEqualTo("jane");
        assertThat(johnLongLived.ask("whoami")).as("john's other connection has another token, not expired").isEqualTo("john");
        assertThat(List.of(jane.events("disconnect"), johnLongLived.events("disconnect"))).allMatch(List::isEmpty);
    }
}
