package kata;

import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import io.netty.channel.ChannelFuture;
import java.net.InetSocketAddress;
import kata.plumbing.ConnectGate;
import kata.plumbing.QuietExceptions;
import kata.plumbing.SocketIoWorkarounds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Socket.IO server (netty-socketio) on its own port, beside the HTTP server: the guide's
 * {@code new Server(httpServer)}. Each connection is authenticated when its Socket.IO CONNECT arrives, as
 * the guide's {@code io.use(..)} middleware does: by the handshake's header ({@link SocketAuth}), or by the
 * CONNECT's {@code auth} payload ({@link AuthPayload}). Only an accepted connection gets a user and a room,
 * and counts as online; a refused one hears only why, never "connected".
 *
 * <p>netty-socketio 2.0.14 does not work this way by itself: plumbing's {@link ConnectGate} makes it
 * (TUTORIAL.md, step 08, lists the library's traps it closes, and the test that shows each).
 */
public final class SocketServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SocketServer.class);

    private final SocketIOServer server;
    private final ConnectGate gate;
    private final UserRooms rooms;
    private final Presence presence;
    private final AuthPayload payload;
    private int port;

    public SocketServer(Config config, SocketAuth auth, AuthPayload payload) {
        Configuration io = new Configuration();
        io.setHostname(config.host());
        io.setPort(config.ioPort());
        io.setAuthorizationListener(auth);
        // the client may not choose its own session id (by default netty-socketio takes the one it sends)
        io.setRandomSession(true);
        // a page that sends the token in extraHeaders (steps 04 to 07) needs the preflight to allow "authorization"
        io.setAllowHeaders("authorization");
        io.setExceptionListener(new QuietExceptions());
        // how soon a connection that died without closing is noticed (and leaves its rooms): interval + timeout
        io.setPingInterval((int) config.pingInterval().toMillis());
        io.setPingTimeout((int) config.pingTimeout().toMillis());
        server = new SocketIOServer(io);
        // every CONNECT goes through authenticate(..) before it is answered; a session without an accepted
        // CONNECT is closed after the connect timeout. The library's bugs: plumbing/, not a lesson
        gate = new ConnectGate(config.connectTimeout(), this::authenticate);
        SocketIoWorkarounds.install(server, null, gate);
        rooms = new UserRooms(server);
        presence = new Presence(server);
        this.payload = payload;

        // the guide's io.on("connection", ..): runs once authenticate(..) has accepted the connection
        server.addConnectListener(client -> {
            User user = Session.userOf(client);
            // null: the client went away as it connected, and its disconnect ran first
            if (user != null) {
                LOG.info("{} connected", user.username());
            }
        });
        server.addDisconnectListener(client -> {
            if (Session.userOf(client) != null) {
                LOG.info("{} disconnected", Session.userOf(client).username());
            }
        });
        onEvent("whoami", (client, user, ack) -> ack.sendAckData(user.username()));
    }

    /**
     * Who is this connection? Null to accept it, or the reason to refuse it: the guide's {@code io.use(..)}
     * middleware. Every token the client presents must be good, and a header and a payload must name the
     * same user. An accepted connection joins its user's room here, before it hears "connected".
     */
    private String authenticate(SocketIOClient client, Object auth) {
        User fromHeader = client.get(Session.HANDSHAKE);
        User user;
        if (auth == null) {
            if (fromHeader == null) {
                return "no token";
            }
            user = fromHeader;
        } else {
            try {
                user = payload.authenticate(auth);
            } catch (Unauthorized e) {
                return e.reason();
            }
            if (fromHeader != null && fromHeader.id() != user.id()) {
                return "invalid token";
            }
        }
        client.set(Session.USER, user);
        rooms.join(client, user);
        return null;
    }

    /** An event of a connection's user; the gate never lets through one of a connection it has not accepted. */
    @FunctionalInterface
    public interface UserEvent {
        void handle(SocketIOClient client, User user, AckRequest ack);
    }

    public void onEvent(String name, UserEvent handler) {
        server.addEventListener(name, Object.class, (client, data, ack) -> handler.handle(client, Session.userOf(client), ack));
    }

    /** How many sessions are open and have not had their CONNECT answered yet. */
    public int unconnectedSessions() {
        return gate.waitingSessions();
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

    public Presence presence() {
        return presence;
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
