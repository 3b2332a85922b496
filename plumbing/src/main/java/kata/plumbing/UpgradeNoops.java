package kata.plumbing;

import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.messages.PacketsMessage;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.CharsetUtil;
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
 */
@Sharable
final class UpgradeNoops extends ChannelInboundHandlerAdapter {

    /** engine.io's pace (its {@code checkIntervalTimer}). */
    static final long PACE_MILLIS = 100;

    private static final String PROBE = "2probe";

    private final long upgradeTimeoutMillis;

    UpgradeNoops(long upgradeTimeoutMillis) {
        this.upgradeTimeoutMillis = upgradeTimeoutMillis;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof PacketsMessage packets && packets.getTransport() == Transport.WEBSOCKET
                && isProbe(packets.getContent()) && packets.getClient().getCurrentTransport() == Transport.POLLING) {
            pace(ctx.channel(), packets.getClient());
        }
        ctx.fireChannelRead(msg);
    }

    private static boolean isProbe(ByteBuf content) {
        return content.readableBytes() == PROBE.length()
                && PROBE.equals(content.toString(content.readerIndex(), PROBE.length(), CharsetUtil.UTF_8));
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
