package kata.plumbing;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.protocol.ConnPacket;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.transport.NamespaceClient;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection lifecycle that Node's socket.io gives its users, on top of netty-socketio 2.0.14:
 * every Socket.IO CONNECT of the default namespace, with or without an {@code auth} payload, on either
 * transport, goes through one decision of the app's ({@link Authenticator}) before anything is answered.
 * <ul>
 * <li>Accepted: the namespace's connect listeners run, and only then does the client hear "connected"
 * (so what they do, joining a room, counting the user as online, is done before the client can act).</li>
 * <li>Refused: the client hears {@code connect_error} with the reason, never "connected"; its session
 * is closed a moment later (a polling client first fetches the refusal).</li>
 * <li>A session that sends no CONNECT within the connect timeout is closed; until its CONNECT is
 * accepted, its events are never dispatched (the session is closed instead), and it is in no room.</li>
 * </ul>
 *
 * <p>What the library does instead, and why each is a trap, is in docs/netty-socketio-bugs.md: it runs
 * the connect listeners when the transport is bound, before the CONNECT; it asks its auth listener only
 * when the CONNECT carries a payload, and answers a CONNECT without one "connected" by itself; after a
 * refusal it keeps the session open and dispatches its events. Install it with
 * {@link SocketIoWorkarounds#install(com.corundumstudio.socketio.SocketIOServer, ConnectGate)}.
 */
public final class ConnectGate {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectGate.class);

    /** How long a refused session stays open, so that a polling client fetches the refusal before the close. */
    static final Duration REFUSED_GRACE = Duration.ofMillis(500);

    /** The app's decision on a CONNECT. */
    @FunctionalInterface
    public interface Authenticator {
        /**
         * Null to accept this connection, or the reason to refuse it ("no token", "invalid token"), which the
         * client gets in {@code connect_error}. {@code auth} is the CONNECT's payload, null when it has none.
         * It runs before the namespace's connect listeners, and may prepare what they read (the user).
         */
        String refusal(SocketIOClient client, Object auth);
    }

    private enum State { WAITING, ACCEPTED, REFUSED }

    private record Session(State state, ScheduledFuture<?> timer) {
    }

    private final Duration connectTimeout;
    private final Authenticator authenticator;
    private final Map<UUID, Session> sessions = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor timers;

    /** {@code connectTimeout}: how long a session may stay open without an accepted CONNECT (Node's {@code connectTimeout}). */
    public ConnectGate(Duration connectTimeout, Authenticator authenticator) {
        this.connectTimeout = connectTimeout;
        this.authenticator = authenticator;
        timers = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "socket.io-connect-gate");
            thread.setDaemon(true);
            return thread;
        });
        // a cancelled timer leaves the queue at once: a connection that came and went leaves nothing behind
        timers.setRemoveOnCancelPolicy(true);
    }

    /**
     * The handshake made a session: it belongs to the default namespace from now on (so the library does
     * not connect it by itself when its transport is bound), but is in no room and hears nothing until its
     * CONNECT is accepted, which it must send within the connect timeout.
     */
    void opened(ClientHead client, Namespace namespace) {
        NamespaceClient namespaced = client.getChildClient(namespace);
        if (namespaced == null) {
            namespaced = client.addNamespaceClient(namespace);
        }
        SocketIOClient session = namespaced;
        ScheduledFuture<?> timeout = timers.schedule(() -> {
            if (stateOf(session) == State.WAITING) {
                LOG.info("session {} closed: no Socket.IO CONNECT within {} ms", session.getSessionId(), connectTimeout.toMillis());
                close(session);
            }
        }, connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        sessions.put(client.getSessionId(), new Session(State.WAITING, timeout));
    }

    /** A CONNECT of the default namespace: the app decides, then the client hears one answer. */
    void connect(ClientHead client, Namespace namespace, Object auth) {
        if (!sessions.containsKey(client.getSessionId())) {
            opened(client, namespace);
        }
        if (stateOf(client.getChildClient(namespace)) != State.WAITING) {
            // a second CONNECT, or one after a refusal: the first answer stands
            return;
        }
        NamespaceClient namespaced = client.getChildClient(namespace);
        client.getHandshakeData().setAuthToken(auth);
        String refusal;
        try {
            refusal = authenticator.refusal(namespaced, auth);
        } catch (RuntimeException e) {
            LOG.warn("the app's decision on a CONNECT failed: {}", e.toString());
            refusal = "server error";
        }
        if (refusal == null) {
            accept(client, namespace, namespaced);
        } else {
            refuse(namespaced, refusal);
        }
    }

    private void accept(ClientHead client, Namespace namespace, NamespaceClient namespaced) {
        settle(client.getSessionId(), State.ACCEPTED);
        onConnect(namespace, namespaced);
        if (stateOf(namespaced) != State.ACCEPTED) {
            // a connect listener refused it (refuse(..)): its refusal has gone out instead
            return;
        }
        Packet connected = new Packet(PacketType.MESSAGE, client.getEngineIOVersion());
        connected.setSubType(PacketType.CONNECT);
        connected.setNsp(namespace.getName());
        connected.setData(new ConnPacket(client.getSessionId()));
        client.send(connected);
    }

    /**
     * The namespace's own bookkeeping and connect listeners, once more after the NullPointerException of
     * bug 9 (docs/netty-socketio-bugs.md, and {@link ConnectBeforeOpen}, which does the same on the handshake).
     */
    private static void onConnect(Namespace namespace, NamespaceClient namespaced) {
        try {
            namespace.onConnect(namespaced);
        } catch (NullPointerException e) {
            namespace.onConnect(namespaced);
        }
    }

    /**
     * Refuses a connection: the client gets {@code connect_error} with this reason, and the session is
     * closed a moment later. The app's connect listeners may call it too, for a connection they find they
     * must not keep (a token revoked while it connected): the client then never hears "connected".
     */
    public void refuse(SocketIOClient client, String reason) {
        State before = stateOf(client);
        if (before == State.REFUSED || before == null) {
            return;
        }
        settle(client.getSessionId(), State.REFUSED);
        LOG.info("connection refused: {}", reason);
        Packet error = new Packet(PacketType.MESSAGE, client.getEngineIOVersion());
        error.setSubType(PacketType.ERROR);
        error.setNsp(client.getNamespace().getName());
        error.setData(Map.of("message", reason));
        client.send(error);
        closeAfter(client, REFUSED_GRACE);
    }

    /** Whether this connection's CONNECT was accepted (and it was not refused since). */
    public boolean isAccepted(SocketIOClient client) {
        return stateOf(client) == State.ACCEPTED;
    }

    /** An event of a session that is not accepted: never dispatched; the session is closed. */
    void unaccepted(SocketIOClient client) {
        if (stateOf(client) == State.WAITING) {
            LOG.info("session {} closed: an event before its CONNECT was accepted", client.getSessionId());
            close(client);
        }
    }

    /** The session ended: nothing of it is kept. */
    void closed(UUID sessionId) {
        Session session = sessions.remove(sessionId);
        if (session != null && session.timer() != null) {
            session.timer().cancel(false);
        }
    }

    /** How many sessions are open and have not had their CONNECT answered yet. */
    public int waitingSessions() {
        return (int) sessions.values().stream().filter(session -> session.state() == State.WAITING).count();
    }

    /** Closes the session a moment from now (ended connections do this, so that a polling client fetches why). */
    public void closeAfter(SocketIOClient client, Duration delay) {
        timers.schedule(() -> close(client), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Closes the session itself. netty-socketio 2.0.14's {@code SocketIOClient.disconnect()}
     * (NamespaceClient.disconnect) only sends a DISCONNECT packet: a client that ignores it keeps its
     * session until the ping timeout. {@code ClientHead.disconnect()} also closes the transport and forgets
     * the session.
     */
    public static void close(SocketIOClient client) {
        if (client instanceof NamespaceClient namespaced) {
            namespaced.getBaseClient().disconnect();
        } else {
            client.disconnect();
        }
    }

    /** Stops the timers (the server is stopping). */
    public void stop() {
        timers.shutdownNow();
    }

    private State stateOf(SocketIOClient client) {
        Session session = client == null ? null : sessions.get(client.getSessionId());
        return session == null ? null : session.state();
    }

    private void settle(UUID sessionId, State state) {
        Session before = sessions.computeIfPresent(sessionId, (id, session) -> new Session(state, session.timer()));
        if (before != null && before.timer() != null) {
            before.timer().cancel(false);
        }
    }
}
