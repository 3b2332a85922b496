package kata;

import static kata.harness.ReplyAssert.assertThat;

import kata.harness.RunningApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the HTTP server refuses before any route runs is a short JSON reason too, never an HTML page. */
class HttpEdgesTest {

    private static final String WHERE = "ErrorReplies.java";

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> App.start(Config.fromEnvironment(env)), App::httpPort);

    @Test
    void an_unknown_route_gets_404() {
        assertThat(app.http().get("/no-such-route")).whereToLook(WHERE).hasJsonError(404);
    }

    @Test
    void a_header_over_jettys_limit_gets_431() {
        assertThat(app.http().get("/self", "X-Padding", "a".repeat(20_000))).whereToLook(WHERE).hasJsonError(431);
    }

    @Test
    void the_server_keeps_serving_afterwards() {
        app.http().get("/self", "X-Padding", "a".repeat(20_000));

        assertThat(app.http().postJson("/login", "{\"username\":\"john\",\"password\":\"changeit\"}")).hasStatus(200);
    }
}
