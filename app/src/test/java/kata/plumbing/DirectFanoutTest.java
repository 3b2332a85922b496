package kata.plumbing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.corundumstudio.socketio.BroadcastOperations;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.namespace.NamespacesHub;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketEncoder;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.store.pubsub.DispatchMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.util.ResourceLeakDetector;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import kata.harness.Connection;
import kata.harness.Connection.Event;
import kata.harness.Connection.Mode;
import kata.harness.LogCapture;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A room broadcast reaches websocket connections by a frame written once per event loop, and still
 * keeps each connection's order, reaches polling connections, and leaks nothing:
 * plumbing/src/main/java/kata/plumbing/DirectFanout.java.
 */
@Isolated
class DirectFanoutTest {

    private static final String WHERE = " (plumbing/src/main/java/kata/plumbing/DirectFanout.java)";
    private static final Duration ALL_WITHIN = Duration.ofSeconds(20);
    private static final int BURST = 100;

    /** Counts the memory of the frames it allocated: zero once every connection's write is done with them. */
    private static final UnpooledByteBufAllocator FRAMES = new UnpooledByteBufAllocator(true);

    private static ResourceLeakDetector.Level leakLevel;
    private static SocketIOServer server;
    private static String url;

    @RegisterExtension
    final LogCapture log = new LogCapture();

    private final List<Connection> connections = new ArrayList<>();

    @BeforeAll
    static void start() {
        leakLevel = ResourceLeakDetector.getLevel();
        // every buffer tracked: one never released is reported (a "LEAK:" line) once it is garbage-collected
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        server = new SocketIOServer(configuration());
        SocketIoWorkarounds.install(server);
        url = started(server);
        DirectFanout.of(server).allocateFramesWith(FRAMES);
    }

    @AfterAll
    static void stop() {
        stopLater(server);
        ResourceLeakDetector.setLevel(leakLevel);
    }

    @AfterEach
    void closeConnections() {
        connections.forEach(Connection::close);
    }

    @Test
    void a_frame_is_the_bytes_netty_writes_for_the_library_and_the_same_for_engine_io_v3_and_v4() {
        DirectFanout fanout = DirectFanout.of(server);
        PacketEncoder library = new PacketEncoder(new Configuration(), new JacksonJsonSupport());
        // payloads of 125, 126, 65,535 and 65,536 bytes: each length's encoding (RFC 6455 5.2) and the limit
        for (int payload : List.of(12, 125, 126, 65_535, 65_536)) {
            String text = "x".repeat(payload - "42[\"e\",\"\"]".length());
            ByteBuf v4 = encoded(library, event("e", text, EngineIOVersion.V4));
            ByteBuf v3 = encoded(library, event("e", text, EngineIOVersion.V3));
            assertThat(ByteBufUtil.equals(v3, v4)).as("the library's websocket payload of an event for engine.io v3 and v4, "
                    + payload + " bytes: one frame serves both" + WHERE).isTrue();
            ByteBuf ours = fanout.frameOf(event("e", text, EngineIOVersion.V4));
            assertThat(ours).as("the frame of a " + payload + "-byte event (null: it would go the library's way)" + WHERE).isNotNull();
            try {
                assertThat(ByteBufUtil.hexDump(ours)).as("the frame of a " + payload + "-byte event" + WHERE)
                        .isEqualTo(nettyFrame(v4));
            } finally {
                ours.release();
                v3.release();
            }
        }
        String tooLarge = "x".repeat(65_537 - "42[\"e\",\"\"]".length());
        assertThat(fanout.frameOf(event("e", tooLarge, EngineIOVersion.V4)))
                .as("an event over maxFramePayloadLength: the library's path, which splits it into continuation frames" + WHERE).isNull();
        assertThat(fanout.frameOf(event("file", new byte[] {1, 2, 3}, EngineIOVersion.V4)))
                .as("an event with binary data: the library's path (attachments)" + WHERE).isNull();
    }

    @Test
    void every_connection_gets_its_own_events_and_the_room_s_in_the_order_they_were_sent() {
        List<Connection> fans = join("order", Mode.WEBSOCKET_ONLY, Mode.WEBSOCKET_ONLY, Mode.POLLING_ONLY, Mode.POLLING_FIRST);
        BroadcastOperations room = server.getRoomOperations("order");
        List<SocketIOClient> clients = List.copyOf(room.getClients());
        assertThat(clients).as("clients in the room").hasSize(fans.size());

        // one event to each client alone, then one to the room, alternately: a connection's queue holds both kinds
        int rounds = 300;
        for (int i = 0; i < rounds; i++) {
            for (SocketIOClient client : clients) {
                client.sendEvent("seq", 2 * i);
            }
            room.sendEvent("seq", 2 * i + 1);
        }

        assertAllInOrder(fans, 2 * rounds, "its own events and the room's interleaved as they were sent");
    }

    @Test
    void a_broadcast_sent_from_an_event_loop_keeps_every_connection_s_order_too() {
        List<Connection> fans = join("from-a-loop", Mode.WEBSOCKET_ONLY, Mode.WEBSOCKET_ONLY, Mode.WEBSOCKET_ONLY, Mode.POLLING_ONLY);

        // the server's "burst" listener runs on the asking connection's event loop: the room's connections on
        // that loop are written to at once, the others from a task, each after its own events
        assertThat(fans.get(0).ask("burst", "from-a-loop")).as("the server's answer to burst").isEqualTo(String.valueOf(BURST));

        assertAllInOrder(fans, 2 * BURST, "a listener's broadcasts");
    }

    @Test
    void polling_and_websocket_connections_in_one_room_all_get_every_broadcast() {
        List<Connection> fans = join("mixed", Mode.POLLING_ONLY, Mode.WEBSOCKET_ONLY, Mode.POLLING_FIRST, Mode.WEBSOCKET_ONLY);
        long before = DirectFanout.of(server).written.sum();

        int events = 200;
        BroadcastOperations room = server.getRoomOperations("mixed");
        for (int i = 0; i < events; i++) {
            room.sendEvent("seq", i);
        }

        for (Connection fan : fans) {
            assertThat(payloads(fan.awaitEvents("seq", events, ALL_WITHIN))).as("what " + fan.transports() + " got" + WHERE)
                    .isEqualTo(numbers(events));
        }
        // at least the two websocket-only ones went the direct way (a ping ahead in a queue sends one the library's way)
        assertThat(DirectFanout.of(server).written.sum() - before).as("frames written directly for " + events
                + " broadcasts to a room with 2 websocket-only connections" + WHERE).isGreaterThanOrEqualTo(events);
    }

    @Test
    void a_broadcast_from_another_node_reaches_websocket_and_polling_connections() throws Exception {
        List<Connection> fans = join("remote", Mode.WEBSOCKET_ONLY, Mode.POLLING_ONLY);
        long before = DirectFanout.of(server).written.sum();
        // the hub that the store factory's init receives: SocketIOServer has no getter for it
        Field field = SocketIOServer.class.getDeclaredField("namespacesHub");
        field.setAccessible(true);
        NamespacesHub hub = (NamespacesHub) field.get(server);
        RemoteBroadcasts remote = new RemoteBroadcasts(null, () -> hub);

        // as it comes from Redis: published by a node without a connection in the room, so of no engine.io version
        for (int i = 0; i < 50; i++) {
            remote.dispatch(new DispatchMessage("remote", event("seq", i, EngineIOVersion.UNKNOWN), Namespace.DEFAULT_NAME));
        }

        for (Connection fan : fans) {
            assertThat(payloads(fan.awaitEvents("seq", 50, ALL_WITHIN))).as("what " + fan.transports() + " got from another node"
                    + " (and plumbing/src/main/java/kata/plumbing/RemoteBroadcasts.java)" + WHERE).isEqualTo(numbers(50));
        }
        assertThat(DirectFanout.of(server).written.sum() - before).as("frames written directly for 50 broadcasts of another node"
                + " to a room with a websocket-only connection" + WHERE).isPositive();
    }

    @Test
    void connections_that_go_away_mid_broadcast_cost_no_error_and_no_buffer() throws Exception {
        List<Connection> leaving = join("leaving", Mode.WEBSOCKET_ONLY, Mode.WEBSOCKET_ONLY, Mode.WEBSOCKET_ONLY, Mode.WEBSOCKET_ONLY,
                Mode.WEBSOCKET_ONLY, Mode.WEBSOCKET_ONLY, Mode.POLLING_ONLY, Mode.POLLING_FIRST);
        Connection staying = join("leaving", Mode.WEBSOCKET_ONLY).get(0);
        int events = 300;
        String text = "y".repeat(1000);
        CompletableFuture<Void> broadcasting = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < events; i++) {
                server.getRoomOperations("leaving").sendEvent("seq", i, text);
            }
        });
        // closed and killed while the broadcasts go out
        for (int i = 0; i < leaving.size(); i++) {
            if (i % 2 == 0) {
                leaving.get(i).close();
            } else {
                leaving.get(i).kill();
            }
        }
        broadcasting.get(ALL_WITHIN.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(staying.awaitEvents("seq", events, ALL_WITHIN)).as("events that reached the connection that stayed" + WHERE)
                .hasSize(events);
        framesAllReleased(FRAMES, "after connections went away mid-broadcast");
        assertThat(leaksOfFrames()).as("Netty's reports of frames never released" + WHERE).isEmpty();
        assertThat(log.lines()).as("what was logged while connections went away mid-broadcast" + WHERE)
                .noneMatch(line -> line.contains(" DirectFanout "));
    }

    @Test
    void a_binary_payload_goes_the_library_s_way_and_arrives() {
        Connection fan = join("binary", Mode.WEBSOCKET_ONLY).get(0);
        long before = DirectFanout.of(server).written.sum();

        server.getRoomOperations("binary").sendEvent("file", (Object) new byte[] {1, 2, 3});

        // as the library sends it to an engine.io v4 websocket: behind engine.io v3's type byte 04 (bug 14, docs/netty-socketio-bugs.md)
        assertThat(fan.awaitEvent("file").payload()).as("the binary event, as the client read it (if it is \"bytes 010203\","
                + " netty-socketio fixed bug 14: docs/netty-socketio-bugs.md)" + WHERE).isEqualTo("bytes 04010203");
        assertThat(DirectFanout.of(server).written.sum() - before).as("frames written directly for a binary event" + WHERE).isZero();
    }

    @Test
    void when_the_library_s_internals_are_not_as_expected_broadcasts_go_the_library_s_way() {
        SocketIOServer alone = new SocketIOServer(configuration());
        SocketIoWorkarounds.install(alone);
        String at = started(alone);
        try {
            // what a failed read of ClientHead.channels does
            DirectFanout.of(alone).forget(new NoSuchFieldException("channels (a test)"));
            List<Connection> fans = join(at, "fallback", Mode.WEBSOCKET_ONLY, Mode.POLLING_ONLY);
            BroadcastOperations room = alone.getRoomOperations("fallback");
            List<SocketIOClient> clients = List.copyOf(room.getClients());
            for (int i = 0; i < 100; i++) {
                for (SocketIOClient client : clients) {
                    client.sendEvent("seq", 2 * i);
                }
                room.sendEvent("seq", 2 * i + 1);
            }
            for (Connection fan : fans) {
                assertThat(payloads(fan.awaitEvents("seq", 200, ALL_WITHIN))).as("what " + fan.transports() + " got" + WHERE)
                        .isEqualTo(numbers(200));
            }
            assertThat(DirectFanout.of(alone).written.sum()).as("frames written directly once it is off" + WHERE).isZero();
            assertThat(log.lines().stream().filter(line -> line.contains("direct fan-out off"))).as("the warning, once" + WHERE).hasSize(1);
        } finally {
            stopLater(alone);
        }
    }

    @Test
    void it_is_not_installed_over_a_namespace_that_has_listeners_and_the_library_s_broadcasts_work() {
        SocketIOServer late = new SocketIOServer(configuration());
        late.addConnectListener(client -> { });
        SocketIoWorkarounds.install(late);
        String at = started(late);
        try {
            assertThat(DirectFanout.of(late)).as("the direct fan-out over a namespace with a connect listener" + WHERE).isNull();
            assertThat(log.text()).as("the warning" + WHERE).contains("direct fan-out not installed").contains("connectListeners");
            Connection fan = join(at, "library", Mode.WEBSOCKET_ONLY).get(0);
            late.getRoomOperations("library").sendEvent("foo", "bar");
            assertThat(fan.awaitEvent("foo").payload()).as("a broadcast on the library's path" + WHERE).isEqualTo("bar");
        } finally {
            stopLater(late);
        }
    }

    @Test
    void a_server_that_stops_mid_broadcast_releases_every_frame() {
        UnpooledByteBufAllocator frames = new UnpooledByteBufAllocator(true);
        SocketIOServer stopping = new SocketIOServer(configuration());
        SocketIoWorkarounds.install(stopping);
        String at = started(stopping);
        DirectFanout.of(stopping).allocateFramesWith(frames);
        join(at, "stopping", Mode.WEBSOCKET_ONLY, Mode.WEBSOCKET_ONLY, Mode.WEBSOCKET_ONLY, Mode.WEBSOCKET_ONLY);

        for (int i = 0; i < 300; i++) {
            stopping.getRoomOperations("stopping").sendEvent("seq", i);
        }
        stopping.stop();

        framesAllReleased(frames, "after the server stopped");
        assertThat(leaksOfFrames()).as("Netty's reports of frames never released" + WHERE).isEmpty();
        assertThat(log.lines()).as("what was logged as the server stopped mid-broadcast" + WHERE)
                .noneMatch(line -> line.contains(" DirectFanout "));
    }

    private List<Connection> join(String room, Mode... modes) {
        return join(url, room, modes);
    }

    /** Connections that joined this room (the server's "join" listener), upgraded when they were to. */
    private List<Connection> join(String at, String room, Mode... modes) {
        List<Connection> joined = new ArrayList<>();
        for (Mode mode : modes) {
            Connection connection = Connection.toServer(at, mode);
            connections.add(connection);
            connection.awaitConnected();
            if (mode == Mode.POLLING_FIRST) {
                connection.awaitWebsocket(Connection.PATIENCE);
            }
            assertThat(connection.ask("join", room)).as("the server's answer to join").isEqualTo(room);
            joined.add(connection);
        }
        return joined;
    }

    private static Configuration configuration() {
        Configuration configuration = new Configuration();
        configuration.setHostname("127.0.0.1");
        configuration.setPort(0);
        // three event loops on any machine (NativeTransport would give two cores one): a room's connections are
        // spread over several, and the frame reaches those of the other loops by a task of each loop's own
        configuration.setWorkerThreads(3);
        return configuration;
    }

    /**
     * Starts it, with a "join" listener (a client joins the room it names) and a "burst" one (to each client of
     * the room it names, an event of its own, then one to the room, {@link #BURST} times); gives its address.
     */
    private static String started(SocketIOServer server) {
        server.addEventListener("join", String.class, (client, room, ack) -> {
            client.joinRoom(room);
            ack.sendAckData(room);
        });
        server.addEventListener("burst", String.class, (client, room, ack) -> {
            BroadcastOperations operations = server.getRoomOperations(room);
            List<SocketIOClient> clients = List.copyOf(operations.getClients());
            for (int i = 0; i < BURST; i++) {
                for (SocketIOClient each : clients) {
                    each.sendEvent("seq", 2 * i);
                }
                operations.sendEvent("seq", 2 * i + 1);
            }
            ack.sendAckData(BURST);
        });
        ChannelFuture bound = (ChannelFuture) server.startAsync().awaitUninterruptibly();
        return "http://127.0.0.1:" + ((InetSocketAddress) bound.channel().localAddress()).getPort();
    }

    /** server.stop() takes seconds (two graceful shutdowns): not in the test's time. */
    private static void stopLater(SocketIOServer server) {
        Thread stopping = new Thread(server::stop, "direct-fanout-test-stop");
        stopping.setDaemon(true);
        stopping.start();
    }

    private static void framesAllReleased(UnpooledByteBufAllocator frames, String when) {
        try {
            await().atMost(Connection.PATIENCE).pollInterval(Duration.ofMillis(10))
                    .until(() -> frames.metric().usedDirectMemory() == 0 && frames.metric().usedHeapMemory() == 0);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(frames.metric().usedDirectMemory() + " bytes of frames (and " + frames.metric().usedHeapMemory()
                    + " of payloads) were still held " + Connection.PATIENCE.toSeconds() + " s " + when + ": a buffer not released" + WHERE);
        }
    }

    /**
     * Netty's reports (paranoid: every buffer's) of a buffer collected unreleased that this class made or wrote;
     * Netty reports when the next buffer is tracked: collect, then allocate. Other classes' leaks, the library's
     * among them (its JSONP poll answers with binary data never release their Base64 buffer), are not this test's.
     */
    private List<String> leaksOfFrames() {
        System.gc();
        for (int i = 0; i < 10; i++) {
            FRAMES.directBuffer(16).release();
        }
        String[] reports = log.text().split("LEAK: ");
        return Arrays.stream(reports).skip(1).filter(report -> report.contains("kata.plumbing.DirectFanout")).toList();
    }

    private static Packet event(String name, Object argument, EngineIOVersion version) {
        Packet packet = new Packet(PacketType.MESSAGE, version);
        packet.setSubType(PacketType.EVENT);
        packet.setName(name);
        packet.setData(List.of(argument));
        return packet;
    }

    private static ByteBuf encoded(PacketEncoder encoder, Packet packet) {
        ByteBuf out = Unpooled.buffer();
        try {
            encoder.encodePacket(packet, out, UnpooledByteBufAllocator.DEFAULT, true);
            return out;
        } catch (IOException e) {
            out.release();
            throw new AssertionError(e);
        }
    }

    /** What Netty's websocket encoder writes for a text frame of this payload (which it releases), as hex. */
    private static String nettyFrame(ByteBuf payload) {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        channel.writeOutbound(new TextWebSocketFrame(payload));
        CompositeByteBuf frame = Unpooled.compositeBuffer();
        try {
            for (ByteBuf part = channel.readOutbound(); part != null; part = channel.readOutbound()) {
                frame.addComponent(true, part);
            }
            return ByteBufUtil.hexDump(frame);
        } finally {
            frame.release();
            channel.finishAndReleaseAll();
        }
    }

    /** Each connection got the "seq" events 0 to {@code count - 1}, in that order. */
    private static void assertAllInOrder(List<Connection> fans, int count, String what) {
        for (Connection fan : fans) {
            assertThat(payloads(fan.awaitEvents("seq", count, ALL_WITHIN))).as("what " + fan.transports()
                    + " got, in order: " + what + WHERE).isEqualTo(numbers(count));
        }
    }

    private static List<String> payloads(List<Event> events) {
        return events.stream().map(Event::payload).toList();
    }

    private static List<String> numbers(int count) {
        return IntStream.range(0, count).mapToObj(String::valueOf).toList();
    }
}
