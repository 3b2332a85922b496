package kata.plumbing;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose client does not read what it is sent, once more than {@link #limit()} bytes wait
 * on the server to be sent to it. Not a bug of netty-socketio 2.0.14, a limit it shares with Node's
 * socket.io: neither caps a slow consumer. A client that stops reading (a frozen tab, a stalled network, a
 * client that means harm) first fills the kernel's buffers (up to 4 MB on Linux by default), then every
 * event for it stays in Netty's {@code ChannelOutboundBuffer}, without bound: one such client in a busy room
 * holds memory that grows with every event until its ping timeout (45 s by default: a client that reads
 * nothing never sees the pings it should answer), or for good, if it answers pings without reading.
 *
 * <p>The check is made at the channel, on each flush, when the kernel has taken what it could: whatever
 * path the bytes took to get there (the library's {@code EncoderHandler}, a direct write of a frame), and
 * on every transport. netty-socketio's own queue of packets per client ({@code ClientHead}'s) is emptied
 * into the channel by every write to a websocket, so a client that does not read makes it grow no more
 * than any other client; a polling client that stops polling keeps its packets in that queue until its
 * ping timeout, which no check at the channel can see.
 *
 * <p>Once over the limit, the connection takes no more data; a websocket is sent a close frame with status
 * 1008 (policy violation) and the reason, behind what already waits: a client that reads again gets what
 * was sent before, then the reason, then the end of the connection. A client that reads nothing can never
 * see the reason: its connection is closed when it has read nothing for {@link #PATIENCE_MS} ms. Each
 * closing is counted ({@link #closed()}) and logged once, at WARN, with the client's address and the bytes
 * that waited.
 *
 * <p>The limit must be well above the largest message the app sends: a message the kernel cannot take at
 * once leaves the rest of it waiting, and a message over the limit closes even a client that reads.
 *
 * <p>It can go when netty-socketio caps what waits for one client by itself (it has no such setting in
 * 2.0.14): then {@code SlowConsumerTest} passes without this handler in the pipeline.
 */
public final class SlowConsumers {

    /**
     * 4 MiB: far more than a client that reads leaves waiting in ordinary use (a burst of events, behind
     * what the kernel's own buffer takes), little enough that a few hundred stuck clients do not fill the
     * memory.
     */
    public static final int DEFAULT_LIMIT = 4 * 1024 * 1024;

    /**
     * How long a connection over the limit may read nothing before it is closed without its close frame.
     * Every read it makes (what waits here shrinks) gives it this long again, so a client that reads, even
     * slowly, gets to the close frame and learns why. Not less: what waits here shrinks only once the client
     * has read about half of what the kernel holds for it (a few MB), when the kernel wakes the writer. With
     * one second, a test client that read again at once was closed without its close frame in one run of
     * twenty, on a machine loaded by other work.
     */
    static final long PATIENCE_MS = 5_000;

    /** And how long it may take in all: a client that trickles cannot hold its connection open for long. */
    static final long AT_MOST_MS = 30_000;

    private static final Logger LOG = LoggerFactory.getLogger(SlowConsumers.class);

    /** What a write to a connection being closed fails with, as it would once closed; never logged. */
    private static final ClosedChannelException REFUSED = new ClosedChannelException() {
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };

    private final long limit;
    private final AtomicLong closed = new AtomicLong();
    private final LongAccumulator largestUnsent = new LongAccumulator(Math::max, 0);
    private volatile Closing last;

    /** One connection closed as too slow: the bytes that waited for it, and how long it took to close it after that. */
    public record Closing(long unsent, Duration lingered) {
    }

    /** {@code limit}: how many bytes may wait for one connection before it is closed. */
    public SlowConsumers(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("the limit of unsent bytes must be over 0, not " + limit);
        }
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }

    /** How many connections were closed for reading too slowly. */
    public long closed() {
        return closed.get();
    }

    /**
     * The most bytes that waited for any one connection, as seen at its flushes: at most the limit and what
     * the flush that crossed it had just written (one message, or one batch of messages).
     */
    public long largestUnsent() {
        return largestUnsent.get();
    }

    /** The last connection closed as too slow, once it is closed; null before. */
    public Closing last() {
        return last;
    }

    /** A handler for one channel: the first of its pipeline, nearest the socket, so that it sees every write. */
    ChannelOutboundHandlerAdapter newHandler() {
        return new Cap();
    }

    private final class Cap extends ChannelOutboundHandlerAdapter {

        /** Over the limit: no more checks. Set before the close frame is written, which must still pass. */
        private boolean overLimit;
        /** Writes refused from now on: set once the close frame is on its way. */
        private boolean refusing;
        private long since;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (refusing) {
                // the library goes on sending until the channel is closed: dropped here, so nothing more waits
                ReferenceCountUtil.release(msg);
                // as Netty fails a write to a closed channel; a void promise would pass the failure to the pipeline
                if (!promise.isVoid()) {
                    promise.tryFailure(REFUSED);
                }
                return;
            }
            ctx.write(msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            ctx.flush();
            if (overLimit) {
                return;
            }
            long unsent = unsent(ctx.channel());
            largestUnsent.accumulate(unsent);
            if (unsent > limit) {
                close(ctx.channel(), unsent);
            }
        }

        private void close(Channel channel, long unsent) {
            overLimit = true;
            since = System.nanoTime();
            closed.incrementAndGet();
            channel.closeFuture().addListener(done -> last = new Closing(unsent, Duration.ofNanos(System.nanoTime() - since)));
            // no session id (it lets a polling client send as that session) and nothing of the token: the address
            LOG.warn("closing the connection of {}: it reads too slowly, {} bytes wait to be sent to it (the limit is {})",
                    channel.remoteAddress(), unsent, limit);
            if (channel.pipeline().get(WebSocketFrameEncoder.class) == null) {
                // a poll's answer, or a request not answered yet: HTTP has no way to say why
                refusing = true;
                channel.close();
                return;
            }
            // from the tail, through the websocket encoder: this handler lets it pass, as it is not refusing yet
            ChannelFuture sent = channel.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION,
                    "reads too slowly: over " + limit + " bytes waited to be sent"));
            refusing = true;
            sent.addListener(done -> channel.close());
            closeIfStuck(channel, readSoFar(channel));
        }

        /** Closes the channel if its client read nothing since the last look, or has taken too long in all. */
        private void closeIfStuck(Channel channel, long before) {
            channel.eventLoop().schedule(() -> {
                if (!channel.isOpen()) {
                    return;
                }
                long now = readSoFar(channel);
                if (now > before && System.nanoTime() - since < TimeUnit.MILLISECONDS.toNanos(AT_MOST_MS)) {
                    closeIfStuck(channel, now);
                } else {
                    channel.close();
                }
            }, PATIENCE_MS, TimeUnit.MILLISECONDS);
        }

        /**
         * How far the client has read since the limit was crossed, as a number that grows when it reads: the
         * messages still waiting (fewer as it reads; none are added, writes are refused) and how much of the
         * first of them is written. Not the pending bytes: those also count the writes handed to the event
         * loop and not run yet, which come and go whether the client reads or not.
         */
        private long readSoFar(Channel channel) {
            ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
            if (buffer == null) {
                return Long.MAX_VALUE;
            }
            return -((long) buffer.size() << 32) + buffer.currentProgress();
        }
    }

    /**
     * The bytes that wait in Netty for this channel: its outbound buffer, and the writes handed to its event
     * loop that have not reached it yet. None once the channel is closed.
     */
    private static long unsent(Channel channel) {
        ChannelOutboundBuffer buffer = channel.unsafe().outboundBuffer();
        return buffer == null ? 0 : buffer.totalPendingWriteBytes();
    }
}
