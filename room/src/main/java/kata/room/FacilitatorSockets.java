package kata.room;

import com.corundumstudio.socketio.AuthorizationResult;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import io.netty.channel.ChannelFuture;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import kata.plumbing.ConnectGate;
import kata.plumbing.QuietExceptions;
import kata.plumbing.SocketIoWorkarounds;

/**
 * The facilitator's page's live feed: a Socket.IO server (netty-socketio, with plumbing's workarounds and
 * CONNECT gate, as in the finished app) that accepts a connection only when its CONNECT carries the
 * facilitator's token in {@code auth} (step 08); any other is refused with {@code connect_error} and never
 * hears "connected". An accepted connection asks for the room ("room", with an acknowledgement), and gets it
 * again on every change (a "room" event).
 */
final class FacilitatorSockets implements AutoCloseable {

    static final String ROOM = "facilitators";
    static final String EVENT = "room";

    private final SocketIOServer server;
    private final ConnectGate gate;
    private final RoomTokens tokens;
    private final Supplier<Object> snapshot;
    private final java.util.function.IntSupplier pagePort;
    private int port;

    FacilitatorSockets(String host, int port, java.util.function.IntSupplier pagePort, RoomTokens tokens, Limits handshakes, Supplier<Object> snapshot) {
        this.tokens = tokens;
        this.snapshot = snapshot;
        this.pagePort = pagePort;
        Configuration io = new Configuration();
        io.setHostname(host);
        io.setPort(port);
        io.setRandomSession(true);
        io.setExceptionListener(new QuietExceptions());
        io.setAuthorizationListener(handshake -> {
            // a WebSocket is not bound by CORS: only the room's own page may open one (cross-site WebSocket hijacking)
            String origin = handshake.getHttpHeaders().get("Origin");
            return origin == null || fromThePage(origin, handshake.getHttpHeaders().get("Host"))
                    ? AuthorizationResult.SUCCESSFUL_AUTHORIZATION : AuthorizationResult.FAILED_AUTHORIZATION;
        });
        server = new SocketIOServer(io);
        gate = new ConnectGate(Duration.ofSeconds(10), this::authenticate);
        SocketIoWorkarounds.install(server, client -> handshakes.secondsToWait(client.getHostAddress()), gate);
        // the page asks for the room once connected (an answer sent from a connect listener would reach the
        // client before its "connected", which the gate sends after the listeners have run)
        server.addEventListener(EVENT, Object.class, (client, data, ack) -> {
            if (gate.isAccepted(client) && ack.isAckRequested()) {
                ack.sendAckData(snapshot.get());
            }
        });
    }

    /** The page is served by the room's HTTP server: same host as this request, the HTTP port. */
    private boolean fromThePage(String origin, String host) {
        try {
            URI page = URI.create(origin);
            String requested = host == null ? "" : host.replaceFirst(":\\d+$", "");
            return page.getPort() == pagePort.getAsInt() && page.getHost() != null && page.getHost().equalsIgnoreCase(requested.replace("[", "").replace("]", ""));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Null to accept: the CONNECT's auth payload holds the facilitator's token. */
    private String authenticate(SocketIOClient client, Object auth) {
        if (!(auth instanceof Map<?, ?> payload) || !(payload.get("token") instanceof String token) || token.isEmpty()) {
            return "no token";
        }
        if (!tokens.isFacilitator(token)) {
            return "invalid token";
        }
        client.joinRoom(ROOM);
        return null;
    }

    /** Every facilitator's page gets the room as it is now. */
    void changed() {
        server.getRoomOperations(ROOM).sendEvent(EVENT, snapshot.get());
    }

    FacilitatorSockets start() {
        ChannelFuture bound = (ChannelFuture) server.startAsync().awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IllegalStateException("the room's Socket.IO server cannot listen on port " + server.getConfiguration().getPort()
                    + " (IO_PORT): " + bound.cause().getMessage());
        }
        port = ((InetSocketAddress) bound.channel().localAddress()).getPort();
        return this;
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        gate.stop();
        Thread stopping = new Thread(server::stop, "room-socket.io-stop");
        stopping.setDaemon(true);
        stopping.start();
    }
}
