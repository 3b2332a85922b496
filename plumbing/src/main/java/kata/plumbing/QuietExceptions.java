package kata.plumbing;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.listener.ExceptionListener;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What goes wrong with one connection, logged in one line without a stack trace: a client's bad input is
 * the client's ordinary behaviour, not the server's error, and the server keeps serving. netty-socketio's
 * default listener logs each with a stack trace at ERROR.
 */
public final class QuietExceptions implements ExceptionListener {

    private static final Logger LOG = LoggerFactory.getLogger("kata.SocketServer");

    @Override
    public void onEventException(Exception e, List<Object> args, SocketIOClient client) {
        LOG.warn("event from {} failed: {}", client.getSessionId(), e.toString());
    }

    @Override
    public void onDisconnectException(Exception e, SocketIOClient client) {
        LOG.warn("disconnect of {} failed: {}", client.getSessionId(), e.toString());
    }

    @Override
    public void onConnectException(Exception e, SocketIOClient client) {
        LOG.warn("connect of {} failed: {}", client.getSessionId(), e.toString());
    }

    @Override
    public void onPingException(Exception e, SocketIOClient client) {
        LOG.warn("ping of {} failed: {}", client.getSessionId(), e.toString());
    }

    @Override
    public void onPongException(Exception e, SocketIOClient client) {
        LOG.warn("pong of {} failed: {}", client.getSessionId(), e.toString());
    }

    @Override
    public boolean exceptionCaught(ChannelHandlerContext ctx, Throwable e) {
        LOG.warn("bad input from {}: {}", ctx.channel().remoteAddress(), e.toString());
        ctx.close();
        return true;
    }

    @Override
    public void onAuthException(Throwable e, SocketIOClient client) {
        LOG.warn("handshake failed: {}", e.toString());
    }
}
