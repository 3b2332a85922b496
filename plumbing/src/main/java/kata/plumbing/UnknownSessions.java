package kata.plumbing;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.handler.ClientsBox;
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
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request for a session that has ended (a client's last poll or its goodbye crossing the end of its
 * session, a websocket upgrade of a client that closed meanwhile) is ordinary: every client that closes
 * while a request is under way makes one. netty-socketio 2.0.14 answers it with a 500 and an ERROR
 * line ("... is not registered. Closing connection", {@code PollingTransport.onGet/onPost}), or a WARN
 * ("Unauthorized client with sessionId", {@code WebSocketTransport.connectClient}); with
 * {@code ?disconnect} it throws a NullPointerException.
 *
 * <p>This handler answers such requests as engine.io does: HTTP 400
 * {@code {"code":1,"message":"Session ID unknown"}}, which the client takes as the end of its session,
 * and logs them at DEBUG. A session id that is not even a UUID is left to the library: that is bad
 * input, and it is logged as such.
 */
@Sharable
final class UnknownSessions extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(UnknownSessions.class);
    private static final byte[] SESSION_ID_UNKNOWN = "{\"code\":1,\"message\":\"Session ID unknown\"}".getBytes(CharsetUtil.UTF_8);

    private final ClientsBox registry;
    private final Configuration configuration;

    UnknownSessions(ClientsBox registry, Configuration configuration) {
        this.registry = registry;
        this.configuration = configuration;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof FullHttpRequest request) {
            UUID session = sessionOf(request);
            if (session != null && registry.get(session) == null) {
                LOG.debug("{} {} for session {}, which has ended: 400", request.method(), new QueryStringDecoder(request.uri()).path(), session);
                String origin = request.headers().get(HttpHeaderNames.ORIGIN);
                request.release();
                FullHttpResponse answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
                        Unpooled.wrappedBuffer(SESSION_ID_UNKNOWN));
                answer.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .set(HttpHeaderNames.CONTENT_LENGTH, SESSION_ID_UNKNOWN.length);
                String allowed = configuration.getOrigin() != null ? configuration.getOrigin() : origin;
                if (configuration.isEnableCors() && allowed != null) {
                    // the CORS headers the library would send this origin, so that a page can read the answer
                    answer.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowed)
                            .set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, true);
                }
                ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private static UUID sessionOf(FullHttpRequest request) {
        List<String> sid = new QueryStringDecoder(request.uri()).parameters().get("sid");
        if (sid == null || sid.isEmpty()) {
            return null;
        }
        try {
            return UUID.fromString(sid.get(0));
        } catch (IllegalArgumentException notAUuid) {
            return null;
        }
    }
}
