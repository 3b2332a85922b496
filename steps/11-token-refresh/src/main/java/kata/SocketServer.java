package kata;

import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import io.netty.channel.ChannelFuture;
import java.net.InetSocketAddress;
import java.util.function.Predicate;
import kata.plumbing.ConnectGate;
import kata.plumbing.QuietExceptions;
import kata.plumbing.SlowConsumers;
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
 * <p>A connection ends when its token expires, and when its user logs out with that token (step 09):
 * {@link TokenLifetimes}.
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
    private final JwtStrategy strategy;
    private final TokenLifetimes lifetimes;
    private final SlowConsumers slow;
    private int port;

    /** {@code redis} is null for one node alone, else its link to the other nodes through Redis. */
    public SocketServer(Config config, SocketAuth auth, AuthPayload payload, JwtStrategy strategy, RedisLink redis) {
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
        if (redis != null) {
            // rooms across nodes: a broadcast reaches the room's connections on every node
            RedisAdapter.shareRooms(io, redis);
        }
        server = new SocketIOServer(io);
        // every CONNECT goes through authenticate(..) before it is answered; a session without an accepted
        // CONNECT is closed after the connect timeout; too many handshakes from one address get 429
        // (RateLimits). The library's bugs: plumbing/, not a lesson
        gate = new ConnectGate(config.connectTimeout(), this::authenticate);
        // a client that stops reading is closed once UNSENT_LIMIT_BYTES wait for it, not kept in memory for good
        slow = new SlowConsumers(config.unsentLimit());
        SocketIoWorkarounds.install(server, RateLimits.handshakes(config), gate, slow);
        rooms = new UserRooms(server);
        presence = redis == null ? new Presence(server) : new Presence(server, redis, config.presenceLease(), config.clock());
        this.payload = payload;
        this.strategy = strategy;
        // an ended connection no longer counts its user as online
        lifetimes = new TokenLifetimes(server, gate, config.clock(), config.endedGrace(), config.refresh().expiringAhead(),
                presence::disconnected);

        // the guide's io.on("connection", ..): runs once authenticate(..) has accepted the connection
        server.addConnectListener(client -> {
            User user = Session.userOf(client);
            // null: the client went away as it connected, and its disconnect ran first
            if (user != null) {
                presence.connected(user);
                LOG.info("{} connected", user.username());
            }
        });
        server.addDisconnectListener(client -> {
            User user = Session.userOf(client);
            lifetimes.detach(client);
            if (user != null) {
                presence.disconnected(user);
                LOG.info("{} disconnected", user.username());
            }
        });
        onEvent("whoami", (client, user, ack) -> ack.sendAckData(user.username()));
        // a fresh token on a live connection (step 11)
        server.addEventListener(Reauth.EVENT, Object.class, new Reauth(strategy, lifetimes));
    }

    /**
     * Who is this connection? Null to accept it, or the reason to refuse it: the guide's {@code io.use(..)}
     * middleware. Every token the client presents must be good, and one connection has one token: a header
     * and a payload must be the same token, or a logout of one would leave the connection to the other. An
     * accepted connection joins its user's room here, before it hears "connected".
     */
    private String authenticate(SocketIOClient client, Object auth) {
        SignedIn fromHeader = client.get(Session.HANDSHAKE);
        SignedIn signedIn;
        if (auth == null) {
            if (fromHeader == null) {
                return "no token";
            }
            signedIn = fromHeader;
        } else {
            try {
                signedIn = payload.authenticate(auth);
            } catch (Unauthorized e) {
                return e.reason();
            }
            if (fromHeader != null && !fromHeader.sameTokenAs(signedIn)) {
                return "invalid token";
            }
        }
        client.set(Session.USER, signedIn.user());
        client.set(Session.SIGNED_IN, signedIn);
        rooms.join(client, signedIn.user());
        // asked again now that a logout can find this connection in the room: a logout that ran between the
        // token's check and the join did not see it, and would leave it open until exp
        if (strategy.isRevoked(signedIn)) {
            lifetimes.detach(client);
            return "invalid token";
        }
        lifetimes.started(client, signedIn);
        return null;
    }

    /** Ends the connections of this user that {@code which} selects, saying why: {@link TokenLifetimes#end}. */
    public int end(User user, Predicate<SignedIn> which, String reason) {
        return lifetimes.end(user, which, reason);
    }

    /** How many expiry timers are waiting: one per open connection at most. */
    public int timers() {
        return lifetimes.timers();
    }

    /** How many sessions are open and have not had their CONNECT answered yet. */
    public int unconnectedSessions() {
        return gate.waitingSessions();
    }

    /** The figures of the slow clients closed: how many, the most bytes that waited for one, the last closing. */
    public SlowConsumers slowClients() {
        return slow;
    }

    /** An event of a connection's user; never one of a connection that is not accepted, or ended. */
    @FunctionalInterface
    public interface UserEvent {
        void handle(SocketIOClient client, User user, AckRequest ack);
    }

    public void onEvent(String name, UserEvent handler) {
        server.addEventListener(name, Object.class, (client, data, ack) -> {
            User user = Session.userOf(client);
            if (user != null) {
                handler.handle(client, user, ack);
            }
        });
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
        lifetimes.stop();
        presence.close();
        Thread stopping = new Thread(server::stop, "socket.io-stop");
        stopping.setDaemon(true);
        stopping.start();
    }
}
