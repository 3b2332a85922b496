package kata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import kata.harness.Connection;
import kata.harness.Connection.Mode;
import kata.harness.LogCapture;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import kata.harness.TokenForge;
import kata.harness.TokenForge.BadToken;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Step 05: the handshake parses the header by hand, and refuses with the guide's reasons: "no token"
 * and "invalid token". A refused handshake is a bare 401, so the reason is for the server's log, which
 * must never hold the token.
 */
@Order(2)
class ManualParsingTest {

    private static final String AUTH = "steps/05-manual-parsing/src/main/java/kata/SocketAuth.java";

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> App.start(Config.fromEnvironment(env)), App::httpPort)
            .withSocketPort(App::ioPort);

    @RegisterExtension
    final Sockets sockets = new Sockets(app);

    @RegisterExtension
    final LogCapture log = new LogCapture();

    @Test
    void a_good_token_still_connects() {
        Connection john = sockets.connect(app.http().login("john", "changeit"));

        assertThat(john.ask("whoami")).as("the user kept with the connection. Open " + AUTH).isEqualTo("john");
    }

    @Test
    void no_header_is_refused_and_logged_as_no_token() {
        sockets.openWithHeaders(Map.of(), Mode.POLLING_FIRST).awaitRefused();

        assertThat(log.awaitLine("handshake refused")).as("the log line says why. Open " + AUTH).contains("no token");
    }

    @Test
    void another_scheme_is_refused_and_logged_as_invalid_token() {
        sockets.openWithHeaders(Map.of("authorization", List.of("Basic am9objpjaGFuZ2VpdA==")), Mode.POLLING_FIRST).awaitRefused();

        assertThat(log.awaitLine("handshake refused")).as("not a bearer header. Open " + AUTH).contains("invalid token");
    }

    static List<BadToken> badTokens() {
        return TokenForge.badTokens();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void a_bad_token_is_refused_and_logged_as_invalid_token_without_the_token(BadToken bad) {
        sockets.open(bad.token(), Mode.POLLING_FIRST).awaitRefused();

        String line = log.awaitLine("handshake refused");
        assertThat(line).as("every failed verification is \"invalid token\", as in the guide. Open " + AUTH)
                .contains("invalid token");
        assertThat(log.text()).as("a token in a log is a password in a log. Open " + AUTH).doesNotContain(bad.token());
    }

    @Test
    void a_good_token_is_never_logged() {
        String token = app.http().login("john", "changeit");
        sockets.connect(token).ask("whoami");

        assertThat(log.awaitLine("john connected")).isNotEmpty();
        assertThat(log.text()).as("nothing logs the token. Open " + AUTH).doesNotContain(token);
    }
}
