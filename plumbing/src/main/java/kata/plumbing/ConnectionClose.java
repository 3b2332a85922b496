package kata.plumbing;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * netty-socketio 2.0.14, {@code EncoderHandler.sendMessage}: every HTTP answer says
 * {@code Connection: keep-alive}, and the channel is closed right after it is written. A client that
 * believes the header puts the connection back in its pool and sends its next request on it, just as
 * the server closes it: that request fails. When it is the client's goodbye (the POST with its
 * DISCONNECT and CLOSE packets), the server never hears it and keeps the session, in its rooms, until
 * the ping timeout. Seen with the Java client (OkHttp) in about 1 polling-first client in 10 closed
 * right after connecting.
 *
 * <p>So every answer but the websocket handshake's says what the server does: {@code Connection: close}.
 */
@Sharable
final class ConnectionClose extends ChannelOutboundHandlerAdapter {

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse response && !HttpResponseStatus.SWITCHING_PROTOCOLS.equals(response.status())) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.write(msg, promise);
    }
}
