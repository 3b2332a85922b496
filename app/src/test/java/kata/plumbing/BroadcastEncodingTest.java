package kata.plumbing;

import static org.assertj.core.api.Assertions.assertThat;

import com.corundumstudio.socketio.AckCallback;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.protocol.AckArgs;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.corundumstudio.socketio.protocol.JsonSupport;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketEncoder;
import com.corundumstudio.socketio.protocol.PacketType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An event sent to a room is encoded once, and every connection still gets the very bytes the
 * library would have written for it: plumbing/src/main/java/kata/plumbing/BroadcastEncoding.java.
 */
class BroadcastEncodingTest {

    private static final UnpooledByteBufAllocator ALLOC = UnpooledByteBufAllocator.DEFAULT;
    private static final String WHERE = " (plumbing/src/main/java/kata/plumbing/BroadcastEncoding.java)";

    private final Configuration configuration = new Configuration();
    private final CountingJson json = new CountingJson(new JacksonJsonSupport());
    private final PacketEncoder library = new PacketEncoder(configuration, new JacksonJsonSupport());
    private final PacketEncoder ours = new PollAnswerLimit(configuration, json);

    @Test
    void an_event_sent_to_a_room_of_2000_connections_is_written_as_json_once() throws IOException {
        // what SingleRoomBroadcastOperations.sendEvent does: one packet, handed to every client
        Packet broadcast = event("foo", "bar").get();
        String expected = websocketFrame(library, event("foo", "bar").get());

        for (int connection = 0; connection < 2000; connection++) {
            assertThat(websocketFrame(ours, broadcast)).as("the frame of connection " + connection + WHERE).isEqualTo(expected);
        }
        assertThat(json.writes.get()).as("JSON encodings of one event sent to 2,000 connections" + WHERE).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packets")
    void every_packet_is_written_byte_for_byte_as_the_library_writes_it(String what, Supplier<Packet> packet) throws IOException {
        for (EngineIOVersion version : List.of(EngineIOVersion.V4, EngineIOVersion.V3)) {
            // the same packet twice, as a broadcast hands it to two connections: the first encodes, the second reuses
            Packet theirs = packet.get();
            theirs.setEngineIOVersion(version);
            Packet mine = packet.get();
            mine.setEngineIOVersion(version);
            String first = websocketFrame(library, theirs);
            String again = websocketFrame(library, theirs);
            assertThat(websocketFrame(ours, mine)).as(what + ", websocket, " + version + ", first connection" + WHERE).isEqualTo(first);
            assertThat(websocketFrame(ours, mine)).as(what + ", websocket, " + version + ", next connection" + WHERE).isEqualTo(again);

            for (boolean jsonp : List.of(false, true)) {
                Packet theirsPolled = packet.get();
                Packet minePolled = packet.get();
                assertThat(pollAnswer(ours, jsonp, minePolled, version))
                        .as(what + ", poll answer" + (jsonp ? " (JSONP)" : "") + ", " + version + WHERE)
                        .isEqualTo(pollAnswer(library, jsonp, theirsPolled, version));
            }
        }
    }

    static Stream<Arguments> packets() {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("text", "café ☕ \"quoted\" 'single' \\ back");
        object.put("n", 42);
        object.put("list", List.of(1, 2.5, true));
        return Stream.of(
                Arguments.of("the guide's foo event", event("foo", "bar")),
                Arguments.of("an event with an object, quotes and non-ASCII text", event("seq", object, 7)),
                Arguments.of("an event without arguments", event("ping-me")),
                Arguments.of("an event in the /chat namespace", inNamespace("/chat", event("foo", "bar"))),
                Arguments.of("an event that asks for an ack", withAck(12, event("whoami"))),
                Arguments.of("an ack to one client", ack(5, "john")),
                Arguments.of("an event with binary data (attachments)", event("file", (Object) new byte[] {1, 2, 3})),
                Arguments.of("a NOOP", (Supplier<Packet>) () -> new Packet(PacketType.NOOP, EngineIOVersion.V4)));
    }

    @Test
    void a_packet_changed_after_it_was_encoded_is_encoded_again() throws IOException {
        Packet packet = event("foo", "bar").get();
        websocketFrame(ours, packet);

        packet.setAckId(3L);
        Packet expected = event("foo", "bar").get();
        expected.setAckId(3L);
        assertThat(websocketFrame(ours, packet)).as("after its ack id changed" + WHERE).isEqualTo(websocketFrame(library, expected));

        packet.setNsp("/chat");
        expected.setNsp("/chat");
        assertThat(websocketFrame(ours, packet)).as("after its namespace changed" + WHERE).isEqualTo(websocketFrame(library, expected));

        packet.setData(List.of("baz"));
        expected.setData(List.of("baz"));
        assertThat(websocketFrame(ours, packet)).as("after its arguments changed" + WHERE).isEqualTo(websocketFrame(library, expected));
    }

    @Test
    void events_sent_close_together_each_keep_their_own_bytes() throws IOException {
        List<Packet> burst = new ArrayList<>();
        for (int i = 0; i < BroadcastEncoding.RECENT * 3; i++) {
            burst.add(event("seq", i).get());
        }
        // a client's channel drains its queue: each connection encodes the whole burst in turn
        for (int connection = 0; connection < 3; connection++) {
            for (int i = 0; i < burst.size(); i++) {
                assertThat(websocketFrame(ours, burst.get(i))).as("event " + i + " to connection " + connection + WHERE)
                        .isEqualTo("42[\"seq\"," + i + "]");
            }
        }
    }

    /** What EncoderHandler writes in one websocket frame for a packet. */
    private static String websocketFrame(PacketEncoder encoder, Packet packet) throws IOException {
        ByteBuf out = Unpooled.buffer();
        try {
            encoder.encodePacket(packet, out, ALLOC, true);
            StringBuilder text = new StringBuilder(out.toString(java.nio.charset.StandardCharsets.UTF_8));
            for (ByteBuf attachment : packet.getAttachments()) {
                text.append(" + attachment ").append(HexFormat.of().formatHex(ByteBufUtil.getBytes(attachment)));
            }
            return text.toString();
        } finally {
            out.release();
        }
    }

    /** What EncoderHandler writes in answer to a poll that holds the same packet twice, as hex. */
    private static String pollAnswer(PacketEncoder encoder, boolean jsonp, Packet packet, EngineIOVersion version) throws IOException {
        packet.setEngineIOVersion(version);
        Queue<Packet> queue = new ArrayDeque<>(List.of(packet, packet));
        ByteBuf out = Unpooled.buffer();
        try {
            if (jsonp) {
                encoder.encodeJsonP(null, queue, out, ALLOC, 50);
            } else {
                encoder.encodePackets(queue, out, ALLOC, 50);
            }
            return ByteBufUtil.hexDump(out);
        } finally {
            out.release();
        }
    }

    private static Supplier<Packet> event(String name, Object... args) {
        return () -> {
            Packet packet = new Packet(PacketType.MESSAGE, EngineIOVersion.V4);
            packet.setSubType(PacketType.EVENT);
            packet.setName(name);
            packet.setData(Arrays.asList(args));
            return packet;
        };
    }

    private static Supplier<Packet> ack(long id, Object... args) {
        return () -> {
            Packet packet = new Packet(PacketType.MESSAGE, EngineIOVersion.V4);
            packet.setSubType(PacketType.ACK);
            packet.setAckId(id);
            packet.setData(Arrays.asList(args));
            return packet;
        };
    }

    private static Supplier<Packet> inNamespace(String nsp, Supplier<Packet> packet) {
        return () -> {
            Packet p = packet.get();
            p.setNsp(nsp);
            return p;
        };
    }

    private static Supplier<Packet> withAck(long id, Supplier<Packet> packet) {
        return () -> {
            Packet p = packet.get();
            p.setAckId(id);
            return p;
        };
    }

    /** The library's JSON support, counting how often something is written with it. */
    private static final class CountingJson implements JsonSupport {
        private final JsonSupport json;
        final AtomicInteger writes = new AtomicInteger();

        CountingJson(JsonSupport json) {
            this.json = json;
        }

        @Override
        public AckArgs readAckArgs(ByteBufInputStream src, AckCallback<?> callback) throws IOException {
            return json.readAckArgs(src, callback);
        }

        @Override
        public <T> T readValue(String namespaceName, ByteBufInputStream src, Class<T> valueType) throws IOException {
            return json.readValue(namespaceName, src, valueType);
        }

        @Override
        public void writeValue(ByteBufOutputStream out, Object value) throws IOException {
            writes.incrementAndGet();
            json.writeValue(out, value);
        }

        @Override
        public void addEventMapping(String namespaceName, String eventName, Class<?>... eventClass) {
            json.addEventMapping(namespaceName, eventName, eventClass);
        }

        @Override
        public void removeEventMapping(String namespaceName, String eventName) {
            json.removeEventMapping(namespaceName, eventName);
        }

        @Override
        public List<byte[]> getArrays() {
            return json.getArrays();
        }
    }
}
