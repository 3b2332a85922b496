package kata;

import static kata.harness.ReplyAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest.BodyPublishers;
import kata.harness.Http;
import kata.harness.Reply;
import kata.harness.RunningApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What reaches the Socket.IO port before any session exists: a CORS preflight makes none, and a request
 * whose headers are too large to read is refused, never taken for one without them
 * (plumbing/src/main/java/kata/plumbing/: Preflights, UnreadableRequests).
 */
class HandshakeEdgesTest {

    private static final String HANDSHAKE = "/socket.io/?EIO=4&transport=polling";

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> App.start(Config.fromEnvironment(env)), App::httpPort)
            .withSocketPort(App::ioPort);

    private static Http io() {
        return Http.toSocketServer(app.socketUrl());
    }

    private static String page() {
        return "http://localhost:" + app.app().httpPort();
    }

    @Test
    void a_cors_preflight_is_answered_and_makes_no_session() {
        int before = app.app().sockets().unconnectedSessions();
        for (int i = 0; i < 20; i++) {
            Reply preflight = io().send(io().request(HANDSHAKE).method("OPTIONS", BodyPublishers.noBody())
                    .header("Origin", page()).header("Access-Control-Request-Method", "GET")
                    .header("Access-Control-Request-Headers", "authorization"), "OPTIONS " + HANDSHAKE);
            assertThat(preflight).hasStatus(200);
            assertThat(preflight.header("Access-Control-Allow-Origin")).contains(page());
            assertThat(preflight.header("Access-Control-Allow-Headers").orElse("")).contains("authorization");
        }
        assertThat(app.app().sockets().unconnectedSessions()).as("20 preflights: each made a session that lived until its ping"
                + " timeout. Open plumbing/src/main/java/kata/plumbing/Preflights.java").isEqualTo(before);

        Reply foreign = io().send(io().request(HANDSHAKE).method("OPTIONS", BodyPublishers.noBody())
                .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "GET"), "OPTIONS " + HANDSHAKE);
        assertThat(foreign).as("the app's SocketAuth still decides: a foreign page is refused").hasStatus(401);
    }

    @Test
    void a_header_too_large_to_read_is_refused_not_taken_for_no_header() {
        for (int size : new int[] {9_000, 16_000, 1_000_000}) {
            Reply handshake = io().get(HANDSHAKE, "Authorization", "Bearer " + "x".repeat(size));
            assertThat(handshake).as("a handshake whose Authorization header has %d characters: before, above 8 KB it was answered"
                    + " 200 with an anonymous session. Open plumbing/src/main/java/kata/plumbing/UnreadableRequests.java", size)
                    .hasJsonError(431, "request headers too large");
        }
        assertThat(io().get(HANDSHAKE, "Authorization", "Bearer " + "x".repeat(7_000))).as("below the limit: the app reads it")
                .hasStatus(401);
        assertThat(app.http().getWithToken("/self", app.http().login("john", "changeit"))).as("the server keeps serving").hasStatus(200);
    }
}
