package kata;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import kata.harness.Connection;
import kata.harness.Connection.Mode;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An event sent to a room is encoded once for all its connections
 * (plumbing/src/main/java/kata/plumbing/BroadcastEncoding.java): every connection still gets every
 * event, with its own payload, in order, on every transport, and the acks to single clients between
 * them still reach their one client.
 */
class BroadcastTest {

    static final int EVENTS = 120;
    static final int ASK_EVERY = 20;
    static final Duration DELIVERED_WITHIN = Duration.ofSeconds(10);

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> App.start(Config.fromEnvironment(env)), App::httpPort)
            .withSocketPort(App::ioPort);

    @RegisterExtension
    final Sockets sockets = new Sockets(app);

    @Test
    void every_connection_of_john_gets_every_event_once_and_in_order_on_every_transport_with_acks_between() {
        String johnsToken = app.http().login("john", "changeit");
        List<Connection> johns = new ArrayList<>();
        for (Mode mode : List.of(Mode.WEBSOCKET_ONLY, Mode.POLLING_ONLY, Mode.POLLING_FIRST)) {
            johns.add(sockets.open(johnsToken, mode));
            johns.add(sockets.open(johnsToken, mode));
        }
        Connection jane = sockets.open(app.http().login("jane", "changeit"), Mode.WEBSOCKET_ONLY);
        johns.forEach(Connection::awaitConnected);
        jane.awaitConnected();

        for (int seq = 0; seq < EVENTS; seq++) {
            app.app().rooms().sendTo(1, "seq", payload(seq));
            if (seq % ASK_EVERY == 0) {
                for (Connection john : johns) {
                    assertThat(john.ask("whoami")).as("the ack to one of john's connections, between events to his room").isEqualTo("john");
                }
                assertThat(jane.ask("whoami")).as("the ack to jane's connection, between events to john's room").isEqualTo("jane");
            }
        }

        List<String> expected = IntStream.range(0, EVENTS).mapToObj(BroadcastTest::payload).toList();
        for (Connection john : johns) {
            List<String> got = john.awaitEvents("seq", EVENTS, DELIVERED_WITHIN).stream().map(Connection.Event::payload).toList();
            assertThat(got).as("the events one of john's connections got, in the order it got them: each once, with its own"
                    + " payload (see plumbing/src/main/java/kata/plumbing/BroadcastEncoding.java)").containsExactlyElementsOf(expected);
        }
        jane.assertNoEvent("seq", Duration.ofMillis(200), "the events went to john's room only");
    }

    @Test
    void a_websocket_that_offers_compression_is_answered_without_it() throws Exception {
        String token = app.http().login("john", "changeit");
        try (Socket socket = new Socket("127.0.0.1", app.socketPort())) {
            socket.setSoTimeout((int) Connection.PATIENCE.toMillis());
            // what a browser, and the Node client, send: an offer of permessage-deflate
            socket.getOutputStream().write(RawUpgrades.request(app.socketPort(), token,
                    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"));
            String head = RawUpgrades.readHead(socket.getInputStream());

            assertThat(head).as("the server's answer to a websocket upgrade").startsWith("HTTP/1.1 101");
            assertThat(head.toLowerCase(Locale.ROOT)).as("the server's answer to a websocket upgrade that offers compression: a"
                    + " compressor per connection cannot share the bytes of an event sent to a room (engine.io does not"
                    + " compress either); see plumbing/src/main/java/kata/plumbing/SocketIoWorkarounds.java")
                    .doesNotContain("sec-websocket-extensions");
        }
    }

    /** A payload of its own per event, with what JSON must escape and what is not ASCII. */
    static String payload(int seq) {
        return "event " + seq + ": café ☕ \"quoted\" \\ " + "x".repeat(seq % 7);
    }
}
