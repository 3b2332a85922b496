package kata;

import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.AuthTokenResult;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.listener.DataListener;
import com.corundumstudio.socketio.listener.ExceptionListener;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.transport.NamespaceClient;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import kata.plumbing.SocketIoWorkarounds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Socket.IO server (netty-socketio) on its own port, beside the HTTP server: the guide's
 * {@code new Server(httpServer)}. A connection gets a user, joins its room and counts as online only
 * once its Socket.IO CONNECT is accepted, authenticated by the handshake's header ({@link SocketAuth})
 * or by the CONNECT's {@code auth} payload ({@link AuthPayload}).
 *
 * <p>A connection ends when its token expires, and when its user logs out with that token (step 09):
 * the client gets a {@code session_ended} event saying why, then the server closes the connection.
 *
 * <p>netty-socketio 2.0.14 makes this harder than it looks (its traps are listed in TUTORIAL.md, step 08):
 * it calls the connect listeners when the transport is bound, before the CONNECT packet; it calls the
 * auth payload's listener only when the CONNECT carries a payload; it keeps a session open after refusing
 * its CONNECT, and dispatches its events. Each guard below names the trap it closes.
 */
public final class SocketServer implements AutoCloseable {

    /** The user of a connection whose CONNECT was accepted: {@code client.get(USER)}. */
    public static final String USER = "user";
    /** The sign-in (user and token) the handshake's Authorization header proved, if it had one. */
    public static final String HANDSHAKE = "handshake";
    /** The sign-in of a connection whose CONNECT was accepted: its user and its token's id and expiry. */
    public static final String SIGNED_IN = "signed-in";
    /** The event that tells a client why the server ends its connection: "session expired", "logged out". */
    public static final String SESSION_ENDED = "session_ended";
    /** Set when the transport is bound: the next call of the connect listener is the CONNECT packet. */
    private static final String BOUND = "bound";
    /** Set when a session's sign-in was revoked before its CONNECT: the reason its CONNECT will get. */
    private static final String REFUSED = "refused";
    /** Set when the connection's CONNECT was accepted: only then does it count as online. */
    private static final String CONNECTED = "connected";
    /** How long a refused session stays open, so that the refusal reaches the client before the close. */
    private static final Duration REFUSED_GRACE = Duration.ofMillis(500);
    /** How long an ended connection stays open, so that the {@code session_ended} event reaches a polling client. */
    private static final Duration ENDED_GRACE = Duration.ofMillis(500);

    private static final Logger LOG = LoggerFactory.getLogger(SocketServer.class);

    private final SocketIOServer server;
    private final UserRooms rooms;
    private final Presence presence;
    private final AuthPayload payload;
    private final JwtStrategy strategy;
    private final Duration connectTimeout;
    /** Closes the sessions that have not completed an authenticated CONNECT in time: one timer each. */
    private final ScheduledThreadPoolExecutor timers;
    private final Map<UUID, ScheduledFuture<?>> unconnected = new ConcurrentHashMap<>();
    /** When each connection's token expires: one timer per connection, cancelled when it disconnects. */
    private final Map<UUID, ScheduledFuture<?>> expiries = new ConcurrentHashMap<>();
    private final Clock clock;
    private int port;

    /** {@code adapter} is null for one node alone, else its link to the other nodes through Redis. */
    public SocketServer(Config config, SocketAuth auth, AuthPayload payload, JwtStrategy strategy, RedisAdapter adapter) {
        Configuration io = new Configuration();
        io.setHostname(config.host());
        io.setPort(config.ioPort());
        io.setAuthorizationListener(auth);
        // the client may not choose its own session id (by default netty-socketio takes the one it sends)
        io.setRandomSession(true);
        // the page on the HTTP port sends "authorization" in extraHeaders: the preflight must allow it
        io.setAllowHeaders("authorization");
        io.setExceptionListener(new QuietExceptions());
        // how soon a connection that died without closing is noticed (and leaves its rooms): interval + timeout
        io.setPingInterval((int) config.pingInterval().toMillis());
        io.setPingTimeout((int) config.pingTimeout().toMillis());
        if (adapter != null) {
            // BEGIN SOLUTION
            // rooms across nodes: every broadcast goes through Redis to the other nodes (joins and leaves stay here)
            io.setStoreFactory(adapter);
            // STUB
            // // TODO step 10: netty-socketio keeps rooms in this JVM's memory (MemoryStoreFactory). Give it the
            // // adapter, a RedissonStoreFactory, so that a broadcast reaches the room's connections on every node.
            // END SOLUTION
        }
        server = new SocketIOServer(io);
        // two bugs of netty-socketio 2.0.14 (stalled upgrades, a lost 51st packet): plumbing/, not a lesson;
        // and too many handshakes from one address get 429 before a session is made (RateLimits)
        SocketIoWorkarounds.install(server, RateLimits.handshakes(config));
        rooms = new UserRooms(server);
        presence = adapter == null ? new Presence(server) : new Presence(server, adapter, config.presenceLease(), config.clock());
        this.payload = payload;
        this.strategy = strategy;
        connectTimeout = config.connectTimeout();
        clock = config.clock();
        timers = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "socket.io-connect-timeout");
            thread.setDaemon(true);
            return thread;
        });
        // a cancelled timer leaves the queue at once: a connection that came and went leaves nothing behind
        timers.setRemoveOnCancelPolicy(true);

        server.getNamespace(Namespace.DEFAULT_NAME).addAuthTokenListener(this::onAuthPayload);
        server.addConnectListener(client -> {
            if (client.get(BOUND) == null) {
                onTransportBound(client);
            } else {
                onConnectPacket(client);
            }
        });
        server.addDisconnectListener(client -> {
            cancelTimer(client);
            ScheduledFuture<?> expiry = expiries.remove(client.getSessionId());
            if (expiry != null) {
                expiry.cancel(false);
            }
            User user = userOf(client);
            if (user != null) {
                presence.disconnected(user);
                LOG.info("{} disconnected", user.username());
            }
        });
        onEvent("whoami", (client, user, ack) -> ack.sendAckData(user.username()));
    }

    /**
     * Trap: on the default namespace netty-socketio calls the connect listeners as soon as the transport is
     * bound, before the client's CONNECT (and its auth payload) has even arrived. Only a good header is
     * known yet; without one the session joins nothing. Either way it is closed unless its CONNECT is
     * accepted within the connect timeout, and it is not online before that. It
     * leaves the namespace's own room, which it was put in, so that it gets no broadcast, and so that
     * netty-socketio (Namespace.onConnect skips clients already in that room) calls the connect listeners
     * again when the CONNECT packet comes.
     */
    private void onTransportBound(SocketIOClient client) {
        client.set(BOUND, Boolean.TRUE);
        client.leaveRoom(Namespace.DEFAULT_NAME);
        SignedIn fromHeader = client.get(HANDSHAKE);
        if (fromHeader != null) {
            // Trap: to a CONNECT without a payload, netty-socketio answers "connected" BEFORE it calls the
            // connect listeners. The client may then send whoami, or be sent an event, before
            // onConnectPacket has run. The handshake has proved who it is, so the user and the room come
            // now; the connection counts as online only once its CONNECT is accepted (see isOnline).
            if (!accept(client, fromHeader)) {
                // logged out between the handshake and now: its CONNECT will be refused
                client.set(REFUSED, "invalid token");
            }
        }
        closeAfter(client, connectTimeout, "no Socket.IO CONNECT within " + connectTimeout.toMillis() + " ms");
    }

    /**
     * The CONNECT packet, accepted by netty-socketio: after {@link #onAuthPayload} when it carried a
     * payload. Trap: without a payload netty-socketio skips the auth listener and accepts the CONNECT
     * by itself, so a connection with neither header nor payload lands here too. With a header only, the
     * connection is accepted here, just after netty-socketio has told the client "connected".
     */
    private void onConnectPacket(SocketIOClient client) {
        if (client.has(CONNECTED)) {
            // accepted by its payload in onAuthPayload, before netty-socketio answered: nothing left to do
            return;
        }
        User user = userOf(client);
        if (user == null) {
            // netty-socketio has already answered CONNECT: take it back with the reason, as Node would have
            client.leaveRoom(Namespace.DEFAULT_NAME);
            Packet error = new Packet(PacketType.MESSAGE, client.getEngineIOVersion());
            error.setSubType(PacketType.ERROR);
            error.setNsp(Namespace.DEFAULT_NAME);
            String reason = client.has(REFUSED) ? client.get(REFUSED) : "no token";
            error.setData(Map.of("message", reason));
            client.send(error);
            refusal(client, reason);
            return;
        }
        // accepted by the handshake's header, which gave it its user and room when its transport was bound
        connected(client, user);
    }

    /**
     * The CONNECT is accepted: the connection counts as online from now on. For a payload this runs before
     * netty-socketio answers "connected", so that a client that asks for presence as soon as it hears it
     * is already counted.
     */
    private void connected(SocketIOClient client, User user) {
        client.set(CONNECTED, Boolean.TRUE);
        if (userOf(client) == null) {
            // ended by a logout a moment ago: its close stands
            return;
        }
        cancelTimer(client);
        presence.connected(user);
        LOG.info("{} connected", user.username());
    }

    /** Whether a connection's CONNECT was accepted: a bare engine.io session, even with a good header, is not online. */
    public static boolean isOnline(SocketIOClient client) {
        return userOf(client) != null && client.has(CONNECTED);
    }

    /**
     * Before netty-socketio answers the CONNECT: the room is joined before the client hears "connected".
     * False when the token was revoked meanwhile: then the connection has no user and no room.
     */
    private boolean accept(SocketIOClient client, SignedIn signedIn) {
        client.set(USER, signedIn.user());
        client.set(SIGNED_IN, signedIn);
        rooms.join(client, signedIn.user());
        // asked again now that a logout can find this connection in the room: a logout that ran between the
        // token's check and the join did not see it, and would leave it open until exp
        if (strategy.isRevoked(signedIn)) {
            LOG.info("{}'s token was revoked while it connected", signedIn.user().username());
            detach(client);
            return false;
        }
        // a timer of its own, not a sweep over all connections: it fires at exp, whatever the others do
        long millisLeft = Math.max(0, Duration.between(clock.instant(), signedIn.expiresAt()).toMillis());
        expiries.put(client.getSessionId(), timers.schedule(() -> end(client, "session expired"), millisLeft, TimeUnit.MILLISECONDS));
        return true;
    }

    /**
     * Ends the connections of this user that {@code which} selects: each is told why with a
     * {@code session_ended} event, then closed. Says how many.
     */
    public int end(User user, Predicate<SignedIn> which, String reason) {
        int ended = 0;
        for (SocketIOClient client : server.getRoomOperations(UserRooms.roomOf(user.id())).getClients()) {
            SignedIn signedIn = client.get(SIGNED_IN);
            if (signedIn != null && which.test(signedIn)) {
                end(client, reason);
                ended++;
            }
        }
        return ended;
    }

    private void end(SocketIOClient client, String reason) {
        User user = userOf(client);
        if (user == null) {
            // ended already (an expiry and a logout at the same moment), or never accepted
            return;
        }
        LOG.info("{}'s connection ended: {}", user.username(), reason);
        // the event first; then, at once, the connection is no longer the user's: no event, no presence
        client.sendEvent(SESSION_ENDED, reason);
        detach(client);
        // and the close a moment later. Trap: netty-socketio's close drops what a polling client has not
        // fetched yet, so a close at once would often cut the event off; a client that reads it and
        // disconnects by itself (the page does) cancels this timer
        closeAfter(client, ENDED_GRACE, reason);
    }

    /** The connection is no longer its user's: it leaves their room, gets no event, and its expiry timer goes. */
    private void detach(SocketIOClient client) {
        User user = userOf(client);
        if (user != null) {
            client.del(USER);
            client.del(SIGNED_IN);
            client.leaveRoom(UserRooms.roomOf(user.id()));
            ScheduledFuture<?> expiry = expiries.remove(client.getSessionId());
            if (expiry != null) {
                expiry.cancel(false);
            }
            presence.disconnected(user);
        }
    }

    /** How many timers are waiting (connect timeouts and expiries): one per open session at most. */
    public int timers() {
        return timers.getQueue().size();
    }

    /**
     * The CONNECT's auth payload (called only when there is one). Every token the client presents must be
     * good: a bad payload is refused even beside a good header. And one connection, one token: a header and a
     * payload must be the same token, or a logout of one would leave the connection to the other.
     */
    private AuthTokenResult onAuthPayload(Object auth, SocketIOClient client) {
        SignedIn signedIn;
        try {
            signedIn = payload.authenticate(auth);
        } catch (Unauthorized e) {
            return refusal(client, e.reason());
        }
        SignedIn fromHeader = client.get(HANDSHAKE);
        if (fromHeader != null && !fromHeader.sameTokenAs(signedIn)) {
            return refusal(client, "invalid token");
        }
        // here, before netty-socketio answers the CONNECT: the room is joined, and the connection online,
        // before the client hears "connected". With the header's token it joined when its transport was
        // bound, and has no user now if that token was revoked since.
        if (fromHeader == null ? !accept(client, signedIn) : userOf(client) == null) {
            return refusal(client, "invalid token");
        }
        connected(client, signedIn.user());
        return AuthTokenResult.AuthTokenResultSuccess;
    }

    /**
     * Refuses a CONNECT: the client gets {@code connect_error} with this reason (never the token, never the
     * check that failed). Trap: netty-socketio keeps the session open after a refusal, so it is closed here,
     * a moment later, once the refusal has gone out.
     */
    private AuthTokenResult refusal(SocketIOClient client, String reason) {
        LOG.info("connection refused: {}", reason);
        // a good header gave the session its user and room when the transport was bound: a refused CONNECT loses both
        detach(client);
        closeAfter(client, REFUSED_GRACE, "refused");
        return new AuthTokenResult(false, Map.of("message", reason));
    }

    private void closeAfter(SocketIOClient client, Duration delay, String why) {
        ScheduledFuture<?> timer = timers.schedule(() -> {
            unconnected.remove(client.getSessionId());
            if (!isOnline(client)) {
                LOG.info("session {} closed: {}", client.getSessionId(), why);
                close(client);
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
        ScheduledFuture<?> before = unconnected.put(client.getSessionId(), timer);
        if (before != null) {
            before.cancel(false);
        }
    }

    private void cancelTimer(SocketIOClient client) {
        ScheduledFuture<?> timer = unconnected.remove(client.getSessionId());
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /**
     * Closes the session itself. netty-socketio 2.0.14's {@code SocketIOClient.disconnect()}
     * (NamespaceClient.disconnect) only sends a DISCONNECT packet: a client that ignores it keeps its
     * session until the ping timeout. {@code ClientHead.disconnect()} also closes the transport and forgets
     * the session. When a later version closes the session in {@code disconnect()}, this can go.
     */
    static void close(SocketIOClient client) {
        if (client instanceof NamespaceClient namespaced) {
            namespaced.getBaseClient().disconnect();
        } else {
            client.disconnect();
        }
    }

    /** How many sessions are open and have not completed an authenticated CONNECT yet. */
    public int unconnectedSessions() {
        return unconnected.size();
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
                // trap: netty-socketio dispatches the events of a session whose CONNECT it refused, or never got
                close(client);
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

    public Presence presence() {
        return presence;
    }

    /**
     * Stops the server. netty-socketio's stop() closes the port at once, then waits out Netty's quiet
     * period twice (2 s each) before it returns: that wait happens on a thread of its own.
     */
    @Override
    public void close() {
        timers.shutdownNow();
        presence.close();
        Thread stopping = new Thread(server::stop, "socket.io-stop");
        stopping.setDaemon(true);
        stopping.start();
    }

    /** Logs what goes wrong with a connection in one line, without a stack trace, and keeps serving. */
    private static final class QuietExceptions implements ExceptionListener {
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
}
