package kata.plumbing;

import com.corundumstudio.socketio.AuthorizationListener;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.HandshakeData;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;

/**
 * netty-socketio 2.0.14, {@code AuthorizeHandler.channelRead}: every request to the handshake's path
 * without a session id is a handshake, the browser's CORS preflight ({@code OPTIONS}) too. A preflight
 * the app's AuthorizationListener lets through therefore makes a session, with an OPEN packet nobody ever
 * fetches, which lives until its ping timeout: 20 preflights, 20 sessions for nothing.
 *
 * <p>This handler answers the preflight itself, before the library sees it: the app's listener still
 * decides (it refuses a foreign page's origin, 401), and an allowed preflight gets the CORS answer the
 * library would give (the origin, credentials, the allowed headers), and no session.
 */
@Sharable
final class Preflights extends ChannelInboundHandlerAdapter {

    private final Configuration configuration;
    private final String handshakePath;

    Preflights(Configuration configuration) {
        this.configuration = configuration;
        this.handshakePath = configuration.getContext() + "/";
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof FullHttpRequest request && HttpMethod.OPTIONS.equals(request.method())) {
            QueryStringDecoder query = new QueryStringDecoder(request.uri());
            if (query.path().equals(handshakePath) && !query.parameters().containsKey("sid")) {
                try {
                    answer(ctx, request, query);
                } finally {
                    request.release();
                }
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void answer(ChannelHandlerContext ctx, FullHttpRequest request, QueryStringDecoder query) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        HandshakeData handshake = new HandshakeData(request.headers(), query.parameters(), (InetSocketAddress) ctx.channel().remoteAddress(),
                (InetSocketAddress) ctx.channel().localAddress(), request.uri(), origin != null && !origin.equalsIgnoreCase("null"));
        boolean allowed;
        try {
            AuthorizationListener listener = configuration.getAuthorizationListener();
            allowed = listener.getAuthorizationResult(handshake).isAuthorized();
        } catch (RuntimeException e) {
            allowed = false;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, allowed ? HttpResponseStatus.OK : HttpResponseStatus.UNAUTHORIZED);
        HttpUtil.setContentLength(response, 0);
        if (allowed) {
            if (origin != null) {
                response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
                response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, Boolean.TRUE);
            }
            String headers = configuration.getAllowHeaders();
            response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS,
                    headers == null ? HttpHeaderNames.CONTENT_TYPE.toString() : HttpHeaderNames.CONTENT_TYPE + ", " + headers);
            response.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST");
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
