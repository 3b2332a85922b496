package kata.plumbing;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.JsonSupport;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketEncoder;
import com.corundumstudio.socketio.protocol.PacketType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Encodes an event sent to a room once, not once per connection in it.
 *
 * <p>netty-socketio 2.0.14's {@code SingleRoomBroadcastOperations.send} hands ONE {@code Packet} to
 * every client of the room, and each client's channel then encodes it again ({@code EncoderHandler}
 * calls {@code encodePacket} per connection): the event's JSON is written 2,000 times for 2,000
 * connections, where socket.io (Node) encodes a broadcast once. This encoder remembers the bytes of
 * the last few events it encoded, by the identity of their packet and what shapes their bytes (name,
 * arguments, namespace, ack id), and writes those bytes again for the next connection.
 *
 * <p>Only plain events are remembered. Everything else (acks, pings, the open and connect packets,
 * and events with binary arguments, which the library turns into attachments) is encoded by the
 * library as before. The engine.io framing of a poll answer still happens per answer: only the
 * packet's own bytes are reused.
 */
class BroadcastEncoding extends PacketEncoder {

    /**
     * How many recent events are remembered. A client's channel drains its whole queue at once, so
     * the events of broadcasts sent close together are encoded interleaved: a few slots are enough.
     */
    static final int RECENT = 16;

    private final AtomicReferenceArray<Encoded> recent = new AtomicReferenceArray<>(RECENT);
    private final AtomicInteger nextSlot = new AtomicInteger();

    BroadcastEncoding(Configuration configuration, JsonSupport jsonSupport) {
        super(configuration, jsonSupport);
    }

    /**
     * The library calls this per packet: with {@code binary} true for a websocket frame (and inside a
     * JSONP answer), the packet's bytes alone; false for a poll answer, framed for engine.io v3.
     */
    @Override
    public void encodePacket(Packet packet, ByteBuf buffer, ByteBufAllocator allocator, boolean binary) throws IOException {
        if (!isPlainEvent(packet)) {
            super.encodePacket(packet, buffer, allocator, binary);
            return;
        }
        byte[] bytes = find(packet);
        if (bytes == null) {
            ByteBuf encoded = allocateBuffer(allocator);
            try {
                super.encodePacket(packet, encoded, allocator, true);
                bytes = ByteBufUtil.getBytes(encoded);
            } finally {
                encoded.release();
            }
            // arguments with a byte[] became attachments: the library's business, not remembered
            if (!packet.hasAttachments()) {
                remember(packet, bytes);
            }
        }
        if (!binary && !EngineIOVersion.V4.equals(packet.getEngineIOVersion())) {
            // engine.io v3's framing of a packet in a poll answer, as PacketEncoder.encodePacket writes it
            buffer.writeByte(0);
            buffer.writeBytes(longToBytes(bytes.length));
            buffer.writeByte(0xff);
        }
        buffer.writeBytes(bytes);
    }

    private static boolean isPlainEvent(Packet packet) {
        return packet.getType() == PacketType.MESSAGE && packet.getSubType() == PacketType.EVENT && !packet.hasAttachments();
    }

    private byte[] find(Packet packet) {
        for (int i = 0; i < RECENT; i++) {
            Encoded encoded = recent.get(i);
            if (encoded != null && encoded.isOf(packet)) {
                return encoded.bytes;
            }
        }
        return null;
    }

    private void remember(Packet packet, byte[] bytes) {
        int slot = Math.floorMod(nextSlot.getAndIncrement(), RECENT);
        recent.set(slot, new Encoded(packet, packet.getName(), packet.getData(), packet.getNsp(), packet.getAckId(), bytes));
    }

    /**
     * The bytes of one packet, and what they were made from: the same packet object with the same
     * name, arguments, namespace and ack id encodes to the same bytes. (Its engine.io version only
     * changes the framing of a poll answer, written above for each answer.)
     */
    private record Encoded(Packet packet, String name, List<?> data, String nsp, Long ackId, byte[] bytes) {

        boolean isOf(Packet other) {
            return packet == other && Objects.equals(name, other.getName()) && data == other.getData()
                    && Objects.equals(nsp, other.getNsp()) && Objects.equals(ackId, other.getAckId());
        }
    }
}
