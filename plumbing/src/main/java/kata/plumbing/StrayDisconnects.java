package kata.plumbing;

import com.corundumstudio.socketio.SocketIOChannelInitializer;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * netty-socketio 2.0.14, {@code WebSocketTransport.channelInactive}: it runs for every channel that
 * closes, HTTP polls included (it sits after {@code PollingTransport} in every pipeline), and sends a
 * DISCONNECT packet to whatever session the registry still maps the channel to, whether or not it
 * disconnected that session. A poll's channel that closes just as the client's next poll is bound on
 * another thread can still be mapped for that instant: the live client then gets "io server
 * disconnect" while its session stays on the server. (Found by reading the code, while looking for
 * why a test of step 06 saw "io server disconnect" on a healthy connection once in ten runs on a busy
 * machine.)
 *
 * <p>This handler, just before {@code WebSocketTransport}, lets only websocket channels (those whose
 * handshake added the frame aggregator) reach its {@code channelInactive}. A polling channel's end is
 * fully handled by {@code PollingTransport}, before it.
 */
@Sharable
final class StrayDisconnects extends ChannelInboundHandlerAdapter {

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (ctx.pipeline().get(SocketIOChannelInitializer.WEB_SOCKET_AGGREGATOR) != null) {
            ctx.fireChannelInactive();
        }
    }
}
