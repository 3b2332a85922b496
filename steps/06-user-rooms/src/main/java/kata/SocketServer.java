package kata;

import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.listener.DataListener;
import io.netty.channel.ChannelFuture;
import java.net.InetSocketAddress;
import kata.plumbing.QuietExceptions;
import kata.plumbing.SocketIoWorkarounds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Socket.IO server (netty-socketio) on its own port, beside the HTTP server: the guide's
 * {@code new Server(httpServer)}. Every connection it keeps was authenticated by {@link SocketAuth}.
 */
public final class SocketServer implements AutoCloseable {

    /** Where the handshake's user is kept on the connection: {@code client.get(USER)}. */
    public static final String USER = "user";

    private static final Logger LOG = LoggerFactory.getLogger(SocketServer.class);

    private final SocketIOServer server;
    private final UserRooms rooms;
    private int port;

    public SocketServer(Config config, SocketAuth auth) {
        Configuration io = new Configuration();
        io.setHostname(config.host());
        io.setPort(config.ioPort());
        io.setAuthorizationListener(auth);
        // the client may not choose its own session id (by default netty-socketio takes the one it sends)
        io.setRandomSession(true);
        // the page on the HTTP port sends "authorization" in extraHeaders: the preflight must allow it
        io.setAllowHeaders("authorization");
        io.setExceptionListener(new QuietExceptions());
        // a restarted app listens again at once, while the last run's connections are still in TIME_WAIT
        io.getSocketConfig().setReuseAddress(true);
        server = new SocketIOServer(io);
        // netty-socketio's bugs, worked around in plumbing/ (docs/netty-socketio-bugs.md): not a lesson
        SocketIoWorkarounds.install(server);
        rooms = new UserRooms(server);
        server.addConnectListener(client -> {
            User user = userOf(client);
            if (user == null) {
                // a session that no handshake authenticated (a request dressed up as a CORS preflight)
                client.disconnect();
                return;
            }
            // first, so that the room is joined before anything is sent to this user
            rooms.join(client, user);
            LOG.info("{} connected", user.username());
        });
        server.addDisconnectListener(client -> {
            if (userOf(client) != null) {
                LOG.info("{} disconnected", userOf(client).username());
            }
        });
        onEvent("whoami", (client, user, ack) -> ack.sendAckData(user.username()));
    }

    /** An event that only a connection with an authenticated user may send. */
    @FunctionalInterface
    public interface UserEvent {
        void handle(SocketIOClient client, User user, AckRequest ack);
    }

    /** Listens to an event; a connection without an authenticated user is dropped, never handled. */
    public void onEvent(String name, UserEvent handler) {
        DataListener<Object> guarded = (client, data, ack) -> {
            User user = userOf(client);
            if (user == null) {
                client.disconnect();
                return;
            }
            handler.handle(client, user, ack);
        };
        server.addEventListener(name, Object.class, guarded);
    }

    public static User userOf(SocketIOClient client) {
        return client.get(USER);
    }

    public SocketServer start() {
        ChannelFuture bound = (ChannelFuture) server.startAsync().awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IllegalStateException("the Socket.IO server cannot listen on port " + server.getConfiguration().getPort()
                    + " (IO_PORT): " + bound.cause().getMessage());
        }
        port = ((InetSocketAddress) bound.channel().localAddress()).getPort();
        return this;
    }

    public int port() {
        return port;
    }

    public UserRooms rooms() {
        return rooms;
    }

    /**
     * Stops the server. netty-socketio's stop() closes the port at once, then waits out Netty's quiet
     * period twice (2 s each) before it returns: that wait happens on a thread of its own.
     */
    @Override
    public void close() {
        Thread stopping = new Thread(server::stop, "socket.io-stop");
        stopping.setDaemon(true);
        stopping.start();
    }
}
