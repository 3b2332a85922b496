package kata.plumbing;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.protocol.JsonSupport;
import com.corundumstudio.socketio.protocol.Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.util.AbstractQueue;
import java.util.Iterator;
import java.util.Queue;

/**
 * netty-socketio 2.0.14, {@code PacketEncoder.encodePackets} and {@code encodeJsonP}: the loop polls a
 * packet from the queue, THEN checks {@code i == limit} and breaks, so the packet over the limit of 50
 * that {@code EncoderHandler} passes is taken off the queue and never written. A burst of 200 events
 * to a polling client loses events 50, 101 and 152.
 *
 * <p>This encoder hands the library's loop a view of the queue that ends at the limit: the library's
 * encoding runs unchanged, and the packets over the limit stay queued for the next poll.
 *
 * <p>It extends {@link BroadcastEncoding} (an event sent to a room is encoded once), which stays when
 * this workaround goes.
 */
final class PollAnswerLimit extends BroadcastEncoding {

    PollAnswerLimit(Configuration configuration, JsonSupport jsonSupport) {
        super(configuration, jsonSupport);
    }

    @Override
    public void encodePackets(Queue<Packet> packets, ByteBuf buffer, ByteBufAllocator allocator, int limit) throws IOException {
        super.encodePackets(new AtMost(packets, limit), buffer, allocator, Integer.MAX_VALUE);
    }

    @Override
    public void encodeJsonP(Integer jsonpIndex, Queue<Packet> packets, ByteBuf out, ByteBufAllocator allocator, int limit)
            throws IOException {
        super.encodeJsonP(jsonpIndex, new AtMost(packets, limit), out, allocator, Integer.MAX_VALUE);
    }

    /** The first {@code limit} packets of a queue: poll() gives null after them, and leaves the rest queued. */
    static final class AtMost extends AbstractQueue<Packet> {

        private final Queue<Packet> queue;
        private int left;

        AtMost(Queue<Packet> queue, int limit) {
            this.queue = queue;
            this.left = limit;
        }

        @Override
        public Packet poll() {
            if (left <= 0) {
                return null;
            }
            Packet packet = queue.poll();
            if (packet != null) {
                left--;
            }
            return packet;
        }

        @Override
        public Packet peek() {
            return left > 0 ? queue.peek() : null;
        }

        @Override
        public boolean offer(Packet packet) {
            throw new UnsupportedOperationException("a view for reading");
        }

        @Override
        public Iterator<Packet> iterator() {
            return queue.stream().limit(Math.max(left, 0)).iterator();
        }

        @Override
        public int size() {
            return Math.min(queue.size(), Math.max(left, 0));
        }
    }
}
