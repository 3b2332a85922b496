package kata.plumbing;

import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.messages.OutPacketMessage;
import com.corundumstudio.socketio.messages.PacketsMessage;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.CharsetUtil;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * netty-socketio 2.0.14, {@code PacketListener.onPacket} (case PING with data "probe"): it answers the
 * websocket probe with {@code 3probe} on the websocket and one {@code NOOP} on the polling transport.
 * The two travel on different TCP connections. A client that reads the NOOP first opens a new poll;
 * when {@code 3probe} arrives it pauses polling, which waits for that poll to end, and the server never
 * answers it: the upgrade stalls until the upgrade timeout, and then the session is dropped silently.
 *
 * <p>engine.io (Node) sends a NOOP on the polling transport every 100 ms for as long as an upgrade
 * lasts. So does this handler: from the probe until the client completes the upgrade, closes, or the
 * upgrade timeout passes, a waiting poll is answered with a NOOP within 100 ms.
 *
 * <p>And bug 13, {@code ClientHead.upgradeCurrentTransport}: on the client's UPGRADE it writes what the
 * polling queue holds to the websocket, and only then switches {@code currentTransport}. A packet sent in
 * between by another thread (the answer to the client's CONNECT, handled on the event loop of its POST;
 * an event from an HTTP request) still goes to the polling transport, whose last poll has been answered:
 * it stays in the queue, now the websocket's too, until something else is sent to that client, at the
 * latest the next ping (25 s). So once the upgrade is done, what is left in the queue is written to the
 * websocket: at once, and again a moment later for a sender that was still on its way.
 */
@Sharable
final class UpgradeNoops extends ChannelInboundHandlerAdapter {

    /** engine.io's pace (its {@code checkIntervalTimer}). */
    static final long PACE_MILLIS = 100;

    private static final String PROBE = "2probe";
    private static final String UPGRADE = "5";
    /** When what a late sender left in the queue is written again, after the upgrade. */
    private static final long[] LATE_FLUSHES_MILLIS = {PACE_MILLIS, 1_000, 5_000};

    private final long upgradeTimeoutMillis;

    UpgradeNoops(long upgradeTimeoutMillis) {
        this.upgradeTimeoutMillis = upgradeTimeoutMillis;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (!(msg instanceof PacketsMessage packets) || packets.getTransport() != Transport.WEBSOCKET) {
            ctx.fireChannelRead(msg);
            return;
        }
        ClientHead client = packets.getClient();
        boolean upgrading = client.getCurrentTransport() == Transport.POLLING;
        if (upgrading && is(PROBE, packets.getContent())) {
            pace(ctx.channel(), client);
        }
        boolean upgrade = upgrading && is(UPGRADE, packets.getContent());
        // the library handles the packet here, on this thread: the UPGRADE switches the transport
        ctx.fireChannelRead(msg);
        if (upgrade && client.getCurrentTransport() == Transport.WEBSOCKET) {
            Channel websocket = ctx.channel();
            flush(websocket, client);
            for (long millis : LATE_FLUSHES_MILLIS) {
                websocket.eventLoop().schedule(() -> flush(websocket, client), millis, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Writes what waits in the client's queue (bug 13), on the websocket's event loop, where its writes happen. */
    private static void flush(Channel websocket, ClientHead client) {
        // the switch of transport is seen before the queue is read: a sender that saw the old transport has
        // either queued its packet already, or will see the new one
        VarHandle.fullFence();
        if (websocket.isActive() && !client.getPacketsQueue(Transport.WEBSOCKET).isEmpty()) {
            websocket.writeAndFlush(new OutPacketMessage(client, Transport.WEBSOCKET));
        }
    }

    private static boolean is(String packet, ByteBuf content) {
        return content.readableBytes() == packet.length()
                && packet.equals(content.toString(content.readerIndex(), packet.length(), CharsetUtil.UTF_8));
    }

    /**
     * On the websocket's event loop, where the library also handles the client's UPGRADE packet: a
     * check and a send here cannot interleave with the switch of transport.
     */
    private void pace(Channel websocket, ClientHead client) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(upgradeTimeoutMillis);
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        task.set(websocket.eventLoop().scheduleAtFixedRate(() -> {
            boolean upgrading = client.isConnected() && websocket.isActive()
                    && client.getCurrentTransport() == Transport.POLLING && System.nanoTime() - deadline < 0;
            if (!upgrading) {
                ScheduledFuture<?> self = task.get();
                if (self != null) {
                    self.cancel(false);
                }
                return;
            }
            // one NOOP at a time: it answers the waiting poll, or the next one as soon as it comes
            if (client.getPacketsQueue(Transport.POLLING).isEmpty()) {
                client.send(new Packet(PacketType.NOOP, client.getEngineIOVersion()), Transport.POLLING);
            }
        }, PACE_MILLIS, PACE_MILLIS, TimeUnit.MILLISECONDS));
    }
}
