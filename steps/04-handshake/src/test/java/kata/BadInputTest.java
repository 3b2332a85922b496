package kata;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import kata.harness.Connection;
import kata.harness.Connection.Mode;
import kata.harness.Reply;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step 04: whatever a client sends, the Socket.IO server keeps serving. Each test ends the same way:
 * john can still connect and ask whoami.
 */
class BadInputTest {

    private static final String AUTH = "steps/04-handshake/src/main/java/kata/SocketAuth.java";

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> App.start(Config.fromEnvironment(env)), App::httpPort)
            .withSocketPort(App::ioPort);

    @RegisterExtension
    final Sockets sockets = new Sockets(app);

    private void johnCanStillConnect() {
        Connection john = sockets.connect(app.http().login("john", "changeit"));
        assertThat(john.ask("whoami")).as("the server keeps serving. Open " + AUTH).isEqualTo("john");
    }

    @Test
    void garbage_bytes_on_the_socket_port() throws Exception {
        byte[] garbage = new byte[4096];
        new Random(42).nextBytes(garbage);
        try (Socket raw = new Socket("127.0.0.1", app.socketPort())) {
            raw.setSoTimeout(2000);
            OutputStream out = raw.getOutputStream();
            out.write(garbage);
            out.flush();
            InputStream in = raw.getInputStream();
            String answer = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
            assertThat(answer).as("garbage gets a 4xx or a closed connection, never a 5xx").doesNotContain(" 5");
        } catch (java.net.SocketTimeoutException | java.net.SocketException closed) {
            // the server closed or ignored the connection: fine
        }

        johnCanStillConnect();
    }

    @Test
    void a_handshake_with_nonsense_parameters() {
        try {
            Reply reply = app.socketHttp().get("/socket.io/?EIO=4&transport=%25%25zz&sid=not-a-session");
            assertThat(reply.status()).as(reply.summary()).isBetween(400, 499);
        } catch (RuntimeException noAnswer) {
            // the server closed the connection without an answer: fine
        }

        johnCanStillConnect();
    }

    @Test
    void a_handshake_with_a_100_KB_header_is_refused() {
        Reply reply = app.socketHttp().get("/socket.io/?EIO=4&transport=polling",
                "Authorization", "Bearer " + app.http().login("john", "changeit"), "X-Padding", "a".repeat(100_000));

        assertThat(reply.status()).as("%s: oversized headers are dropped, and with them the token", reply.summary())
                .isBetween(400, 499);
        johnCanStillConnect();
    }

    @Test
    void a_websocket_frame_over_64_KiB_closes_only_that_connection() {
        Connection greedy = sockets.open(app.http().login("john", "changeit"), Mode.WEBSOCKET_ONLY).awaitConnected();
        greedy.emit("whoami", "x".repeat(100 * 1024));

        org.awaitility.Awaitility.await().atMost(Connection.PATIENCE).until(() -> !greedy.isConnected());
        johnCanStillConnect();
    }

    @Test
    void an_unknown_event_is_ignored() {
        Connection john = sockets.connect(app.http().login("john", "changeit"));
        john.emit("no-such-event", "{\"what\":1}");

        assertThat(john.ask("whoami")).as("the same connection still works").isEqualTo("john");
    }

    @Test
    void a_malformed_packet_on_a_live_session() {
        Reply handshake = app.socketHttp().get("/socket.io/?EIO=4&transport=polling",
                "Authorization", "Bearer " + app.http().login("john", "changeit"));
        assertThat(handshake.status()).as(handshake.summary()).isEqualTo(200);
        String sid = handshake.json().isMissingNode()
                ? handshake.body().replaceAll("(?s).*\"sid\":\"([^\"]+)\".*", "$1")
                : handshake.json().path("sid").asText();

        try {
            app.socketHttp().send(app.socketHttp().request("/socket.io/?EIO=4&transport=polling&sid=" + sid)
                    .header("Content-Type", "text/plain;charset=UTF-8")
                    .POST(BodyPublishers.ofString("42[\"whoami\",{\"broken\":")), "POST a malformed packet");
        } catch (RuntimeException closed) {
            // the server may close the connection: fine
        }

        johnCanStillConnect();
    }
}
