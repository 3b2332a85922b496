package kata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import kata.harness.LogCapture;
import kata.harness.RunningApp;
import kata.plumbing.SlowConsumers;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that stops reading is closed once more than UNSENT_LIMIT_BYTES wait on the server for it
 * (plumbing/src/main/java/kata/plumbing/SlowConsumers.java), and the other connections of the same user get
 * every event, in order. The clients are websockets over plain sockets: one that never reads must not have a
 * library read for it.
 */
// the largest backlog the server saw is one figure for the whole app: the test that asserts it runs first, before
// the one that sends to jane's paused client as fast as it can
@Isolated
@TestMethodOrder(OrderAnnotation.class)
class SlowConsumerTest {

    /** Small, so that the test is quick; the default is 4 MiB. */
    static final int LIMIT = 1024 * 1024;
    static final int EVENTS = 10_000;
    static final int CONNECTIONS = 100;
    /**
     * Each event's payload: 10,000 of them are 10 MB, well over what the kernel takes for a socket that is
     * not read (3 to 4 MB on Linux by default) and the limit together: the stalled client is closed halfway.
     */
    static final int PADDING = 1_000;
    /**
     * The sender keeps at most WINDOW + BATCH events ahead of the slowest reader: what waits on the server for
     * a reader is never more than those (about 620 KB, under the limit), however busy the machine and whatever
     * the kernel's buffers take. Only the client that reads nothing goes over the limit.
     */
    static final int WINDOW = 500;
    static final int BATCH = 100;
    static final Duration PATIENCE = Duration.ofSeconds(30);

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> {
        Map<String, String> small = new HashMap<>(env);
        small.put("UNSENT_LIMIT_BYTES", String.valueOf(LIMIT));
        return App.start(Config.fromEnvironment(small));
    }, App::httpPort).withSocketPort(App::ioPort);

    @RegisterExtension
    final LogCapture log = new LogCapture();

    @Test
    @Order(1)
    void a_client_that_stops_reading_is_closed_and_johns_99_other_connections_get_all_10000_events_in_order() throws Exception {
        SlowConsumers slow = app.app().sockets().slowClients();
        long closedBefore = slow.closed();
        String token = app.http().login("john", "changeit");
        List<Websocket> readers = new ArrayList<>();
        try (Websocket stalled = Websocket.connect(app.socketPort(), token, true)) {
            for (int i = 1; i < CONNECTIONS; i++) {
                readers.add(Websocket.connect(app.socketPort(), token, false));
            }
            readers.forEach(Websocket::startReading);

            long start = System.nanoTime();
            long decided = 0;
            int decidedAt = -1;
            for (int seq = 0; seq < EVENTS; seq++) {
                if (seq % BATCH == 0 && seq >= WINDOW) {
                    int behind = seq - WINDOW;
                    await("every reader has event " + behind).atMost(PATIENCE).pollInterval(Duration.ofMillis(1))
                            .until(() -> readers.stream().allMatch(r -> r.events() > behind || r.failure() != null || r.ended()));
                }
                assertThat(app.app().rooms().sendTo(1, "seq", seq + ":" + "x".repeat(PADDING)))
                        .as("john's connections in his room as event " + seq + " is sent").isGreaterThanOrEqualTo(CONNECTIONS - 1);
                if (decidedAt < 0 && slow.closed() > closedBefore) {
                    decided = System.nanoTime();
                    decidedAt = seq;
                }
            }
            for (Websocket reader : readers) {
                await("a reader gets all the events").atMost(PATIENCE).pollInterval(Duration.ofMillis(5))
                        .until(() -> reader.events() == EVENTS || reader.failure() != null || reader.ended());
            }
            long done = System.nanoTime();

            for (Websocket reader : readers) {
                assertThat(reader.failure()).as("what went wrong with a reader (each must get events 0 to " + (EVENTS - 1)
                        + " in order)").isNull();
                assertThat(reader.events()).as("the events one of john's 99 reading connections got before "
                        + (reader.ended() ? "the server closed it (plumbing/src/main/java/kata/plumbing/SlowConsumers.java"
                        + " must close only a connection over the limit)" : "the test gave up")).isEqualTo(EVENTS);
            }
            await("the stalled connection closed").atMost(PATIENCE).until(() -> slow.closed() > closedBefore && slow.last() != null);
            if (decidedAt < 0) {
                decided = System.nanoTime();
                decidedAt = EVENTS - 1;
            }
            assertThat(slow.closed() - closedBefore).as("connections closed as too slow: only the one that reads nothing (see"
                    + " plumbing/src/main/java/kata/plumbing/SlowConsumers.java)").isEqualTo(1);
            // a flush that crosses the limit adds one event, and the writes handed to the event loop meanwhile (at most
            // WINDOW + BATCH, each counted by Netty as 40 bytes, under 64: 8 for a message it cannot size, 32 for the task)
            long bound = LIMIT + (WINDOW + BATCH) * 64L + 2L * PADDING;
            assertThat(slow.last().unsent()).as("the bytes that waited for the stalled connection when it was closed (see"
                    + " plumbing/src/main/java/kata/plumbing/SlowConsumers.java)")
                    .isGreaterThan(LIMIT).isLessThanOrEqualTo(bound);
            assertThat(slow.largestUnsent()).as("the most bytes that waited for any one connection").isLessThanOrEqualTo(bound);

            // the stalled client reads at last: what the kernel had taken for it, then the end, without the close frame,
            // which waited behind the rest in the server's buffer
            stalled.startReading();
            await("the stalled client reads to the end").atMost(PATIENCE).until(() -> stalled.ended() || stalled.failure() != null);
            assertThat(stalled.failure()).as("what went wrong with the stalled client's read").isNull();
            assertThat(stalled.closeStatus()).as("the status of a close frame a client that read nothing got: none, it waited"
                    + " behind what the server could not send").isNull();
            assertThat(stalled.events()).as("events the stalled client got before the end").isBetween(0, decidedAt + 1);

            List<String> warnings = log.lines().stream().filter(l -> l.contains("reads too slowly")).toList();
            assertThat(warnings).as("the log's lines about the slow client: one, without a stack trace or a token").hasSize(1);
            assertThat(warnings.get(0)).contains("WARN").doesNotContain(token).doesNotContain("Exception");
            assertThat(log.text()).doesNotContain("\tat ");

            System.out.printf("slow consumer: %d events to %d connections of john, limit %d bytes; closed after event %d, %.0f ms"
                    + " after the first, with %d bytes waiting for it, %d ms later; the %d others got all in %.0f ms;"
                    + " the stalled client read %d events, then the end%n",
                    EVENTS, CONNECTIONS, LIMIT, decidedAt, (decided - start) / 1e6, slow.last().unsent(),
                    slow.last().lingered().toMillis(), readers.size(), (done - start) / 1e6, stalled.events());
        } finally {
            readers.forEach(Websocket::close);
        }
    }

    @Test
    @Order(2)
    void a_client_that_reads_again_gets_what_was_sent_then_the_reason_it_is_closed() throws Exception {
        SlowConsumers slow = app.app().sockets().slowClients();
        long closedBefore = slow.closed();
        try (Websocket paused = Websocket.connect(app.socketPort(), app.http().login("jane", "changeit"), false)) {
            int sent = 0;
            while (slow.closed() == closedBefore) {
                assertThat(sent).as("events sent to jane's paused connection before the server closed it (see"
                        + " plumbing/src/main/java/kata/plumbing/SlowConsumers.java)").isLessThan(EVENTS * 3);
                app.app().rooms().sendTo(2, "seq", sent + ":" + "x".repeat(PADDING));
                sent++;
            }
            paused.startReading();
            await("the paused client reads to the end").atMost(PATIENCE).until(() -> paused.ended() || paused.failure() != null);

            assertThat(paused.failure()).as("what went wrong with the paused client's read (events in order, then the end)").isNull();
            assertThat(paused.closeStatus()).as("the status of the close frame the paused client got, once it read again:"
                    + " 1008, policy violation").isEqualTo(1008);
            assertThat(paused.closeReason()).as("the reason in the close frame").contains("reads too slowly");
            assertThat(paused.events()).as("the events the paused client got before the close frame, of " + sent + " sent")
                    .isGreaterThan(0).isLessThanOrEqualTo(sent);
        }
    }

    @Test
    @Order(3)
    void the_limit_is_4_mib_unless_unsent_limit_bytes_says_otherwise_and_a_bad_value_stops_the_start() {
        assertThat(Config.fromEnvironment(Map.of()).unsentLimit()).as("the default of UNSENT_LIMIT_BYTES").isEqualTo(4 * 1024 * 1024);
        assertThat(Config.fromEnvironment(Map.of("UNSENT_LIMIT_BYTES", "65536")).unsentLimit()).isEqualTo(65_536);
        assertThatThrownBy(() -> Config.fromEnvironment(Map.of("UNSENT_LIMIT_BYTES", "4MB")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("UNSENT_LIMIT_BYTES must be a number of bytes over 0, not \"4MB\"");
    }

    /**
     * A Socket.IO client over a websocket on a plain socket: the upgrade with the token, engine.io's OPEN, the
     * Socket.IO CONNECT; then, once told to read, it counts the events {@code seq} (each must carry the next
     * number), answers pings, and notes the close frame and the end.
     */
    static final class Websocket implements AutoCloseable {

        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;
        private volatile int events;
        private volatile Integer closeStatus;
        private volatile String closeReason;
        private volatile boolean ended;
        private volatile String failure;

        private Websocket(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
            this.out = socket.getOutputStream();
        }

        /**
         * {@code small}: a client that lets the kernel take little for it, as one that reads nothing would (its
         * buffer does not grow): the limit is reached sooner.
         */
        static Websocket connect(int port, String token, boolean small) throws IOException {
            Socket socket = new Socket();
            if (small) {
                socket.setReceiveBufferSize(16 * 1024);
            }
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout((int) PATIENCE.toMillis());
            Websocket ws = new Websocket(socket);
            ws.out.write(RawUpgrades.request(port, token, ""));
            String head = RawUpgrades.readHead(ws.in);
            if (!head.startsWith("HTTP/1.1 101")) {
                throw new IOException("the websocket upgrade was answered: " + head);
            }
            String open = ws.readText();
            if (!open.startsWith("0{")) {
                throw new IOException("engine.io's OPEN was expected, not " + open);
            }
            ws.send("40");
            String connected;
            do {
                connected = ws.readText();
            } while (connected.equals("2") && ws.send("3"));
            if (!connected.startsWith("40{")) {
                throw new IOException("the Socket.IO CONNECT was answered: " + connected);
            }
            return ws;
        }

        int events() {
            return events;
        }

        Integer closeStatus() {
            return closeStatus;
        }

        String closeReason() {
            return closeReason;
        }

        boolean ended() {
            return ended;
        }

        String failure() {
            return failure;
        }

        void startReading() {
            Thread reader = new Thread(this::read, "slow-consumer-test-reader");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try {
                while (true) {
                    int first = in.read();
                    if (first < 0) {
                        ended = true;
                        return;
                    }
                    byte[] payload = readPayload();
                    int opcode = first & 0x0f;
                    if (opcode == 0x8) {
                        closeStatus = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
                        closeReason = payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                        continue;
                    }
                    if (payload.length == 1 && payload[0] == '2') {
                        send("3");
                        continue;
                    }
                    if (!onEvent(payload)) {
                        return;
                    }
                }
            } catch (SocketException | EOFException e) {
                // a closed connection: its end, once its data is read
                ended = true;
            } catch (IOException | RuntimeException e) {
                failure = e.toString();
            }
        }

        /** {@code 42["seq","<n>:xxx.."]}: n must be the number of events got so far. */
        private boolean onEvent(byte[] payload) {
            String prefix = "42[\"seq\",\"";
            String text = new String(payload, 0, Math.min(payload.length, 40), StandardCharsets.US_ASCII);
            int colon = text.indexOf(':', prefix.length());
            if (!text.startsWith(prefix) || colon < 0) {
                failure = "an event seq was expected, not " + text;
                return false;
            }
            int seq = Integer.parseInt(text.substring(prefix.length(), colon));
            if (seq != events) {
                failure = "event " + events + " was expected, not " + seq;
                return false;
            }
            events = seq + 1;
            return true;
        }

        private byte[] readPayload() throws IOException {
            int second = in.readUnsignedByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            return payload;
        }

        private String readText() throws IOException {
            in.readUnsignedByte();
            return new String(readPayload(), StandardCharsets.UTF_8);
        }

        /** A text frame, masked as a client's must be. */
        private synchronized boolean send(String text) throws IOException {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            byte[] frame = new byte[2 + 4 + payload.length];
            frame[0] = (byte) 0x81;
            frame[1] = (byte) (0x80 | payload.length);
            System.arraycopy(mask, 0, frame, 2, 4);
            for (int i = 0; i < payload.length; i++) {
                frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
            }
            out.write(frame);
            return true;
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closed already
            }
        }
    }
}
