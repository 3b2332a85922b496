package kata;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

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

    /**
     * Jetty's cache of each connection's recent header lines ignores case by default, and hands over the old
     * line's text: a token one letter off in case from an earlier request on the same connection reached the
     * app as that earlier text. Each request here goes on one connection, the next on the same one.
     */
    @Test
    void a_token_is_read_as_sent_whatever_came_before_it_on_the_connection() throws Exception {
        String token = app.http().login("john", "changeit");
        String sameInAnotherCase = "Bearer " + token.substring(0, 3).toUpperCase();
        HttpClient oneConnection = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        for (String before : new String[] {sameInAnotherCase, "Bearer x", "Bearer " + token.toUpperCase()}) {
            int first = send(oneConnection, before);
            int then = send(oneConnection, "Bearer " + token);

            org.assertj.core.api.Assertions.assertThat(first).as("GET /self with %s", before.substring(0, Math.min(before.length(), 12))).isEqualTo(401);
            org.assertj.core.api.Assertions.assertThat(then).as("GET /self with john's token, right after %s on the same connection: Jetty's header cache must"
                    + " be case-sensitive. Open %s", before.substring(0, Math.min(before.length(), 12)), WHERE).isEqualTo(200);
        }
    }

    private static int send(HttpClient client, String authorization) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + "/self"))
                .header("Authorization", authorization).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
