package kata.plumbing;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.CharsetUtil;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a handshake over the client's limit with HTTP 429, a {@code Retry-After} header and a short JSON
 * reason, before netty-socketio makes a session for it. Not a bug of the library, a gap: its
 * {@code AuthorizationListener} can refuse a handshake only with a bare 401, which a client takes for a bad
 * token, and without saying when to try again.
 *
 * <p>A handshake is what {@code AuthorizeHandler} treats as one: a request to the Socket.IO path without
 * a {@code sid} parameter, polling or websocket, whatever its method (a CORS preflight makes a session
 * there too). The later requests of a session carry its {@code sid} and are never counted, so a polling
 * client is not cut off however long it stays.
 */
@Sharable
final class HandshakeLimit extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(HandshakeLimit.class);

    private final HandshakeGate gate;
    private final String handshakePath;
    private final String origin;
    private final boolean cors;

    /** {@code context} as the library's configuration gives it, "/socket.io"; its handshakes go to "/socket.io/". */
    HandshakeLimit(HandshakeGate gate, String context, String origin, boolean cors) {
        this.gate = gate;
        this.handshakePath = context + "/";
        this.origin = origin;
        this.cors = cors;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof FullHttpRequest request && isHandshake(request)
                && ctx.channel().remoteAddress() instanceof InetSocketAddress peer && peer.getAddress() != null) {
            long seconds = gate.secondsToWait(peer.getAddress());
            if (seconds > 0) {
                refuse(ctx, request, peer, Math.max(1, seconds));
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private boolean isHandshake(FullHttpRequest request) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        return query.path().equals(handshakePath) && !query.parameters().containsKey("sid");
    }

    private void refuse(ChannelHandlerContext ctx, FullHttpRequest request, InetSocketAddress peer, long seconds) {
        LOG.info("handshake refused: too many from {}, retry after {} s", peer.getAddress().getHostAddress(), seconds);
        String requestOrigin = request.headers().get(HttpHeaderNames.ORIGIN);
        request.release();
        byte[] body = ("{\"error\":\"too many handshakes from this address, try again in " + seconds + " s\"}").getBytes(CharsetUtil.UTF_8);
        FullHttpResponse answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.TOO_MANY_REQUESTS,
                Unpooled.wrappedBuffer(body));
        answer.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.RETRY_AFTER, seconds);
        String allowed = origin != null ? origin : requestOrigin;
        if (cors && allowed != null) {
            // the CORS headers the library would send this origin, so that a page can read the answer
            answer.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowed)
                    .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, true);
        }
        ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }
}
