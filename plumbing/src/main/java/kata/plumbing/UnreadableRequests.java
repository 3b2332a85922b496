package kata.plumbing;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.channel.socket.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * netty-socketio 2.0.14 never looks at an HTTP request's decoder result. When a request's headers are
 * larger than Netty reads (8 KB by default), Netty hands on the request with the headers it read so far
 * and a failure: the library then took a handshake whose {@code Authorization} header was dropped for one
 * without a header, and made an anonymous session (a 9,000-character header: 200 and a session; 7,000: 401).
 *
 * <p>This handler refuses such a request: 431 when its headers were too large, 400 otherwise, with a short
 * JSON reason, and closes the connection (Netty has stopped reading it). Nothing is ever anonymous by accident.
 */
@Sharable
final class UnreadableRequests extends ChannelInboundHandlerAdapter {

    /** How long the connection stays open for reading after the answer, at most. */
    private static final Duration LINGER = Duration.ofSeconds(2);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpObject http && http.decoderResult().isFailure()) {
            boolean tooLarge = http.decoderResult().cause() instanceof TooLongFrameException;
            ReferenceCountUtil.release(msg);
            HttpResponseStatus status = tooLarge ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE : HttpResponseStatus.BAD_REQUEST;
            String reason = tooLarge ? "request headers too large" : "bad request";
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer("{\"error\":\"" + reason + "\"}", StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            HttpUtil.setContentLength(response, response.content().readableBytes());
            // Then no more output, but no close at once: the client may still be sending the rest of its headers (Netty discards them), and a
            // close with unread bytes resets the connection, which loses the answer on the client's side
            Channel channel = ctx.channel();
            ctx.writeAndFlush(response).addListener(written -> {
                if (channel instanceof SocketChannel socket) {
                    socket.shutdownOutput();
                }
                channel.eventLoop().schedule(() -> channel.close(), LINGER.toMillis(), TimeUnit.MILLISECONDS);
            });
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
