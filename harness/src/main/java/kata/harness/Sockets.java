package kata.harness;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import kata.harness.Connection.Mode;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Socket.IO clients for one test, all closed after it:
 *
 * <pre>
 * &#64;RegisterExtension
 * final Sockets sockets = new Sockets(app);
 * ...
 * Connection john = sockets.connect(johnsToken);
 * </pre>
 */
public final class Sockets implements AfterEachCallback {

    private final RunningApp<?> app;
    private final List<Connection> opened = new CopyOnWriteArrayList<>();
    private final List<RawSession> raws = new CopyOnWriteArrayList<>();

    public Sockets(RunningApp<?> app) {
        this.app = app;
    }

    /** Connects with {@code Authorization: Bearer <token>}, polling first, and waits until connected. */
    public Connection connect(String token) {
        return open(token, Mode.POLLING_FIRST).awaitConnected();
    }

    /**
     * Connects to another Socket.IO server than the app's (another node, e.g. {@link NodeProcess}), the
     * same way, and waits until connected.
     */
    public Connection connectTo(String socketUrl, String token) {
        return track(Connection.open(socketUrl, Map.of("authorization", List.of("Bearer " + token)), Mode.POLLING_FIRST, false))
                .awaitConnected();
    }

    /**
     * Opens a connection to {@code socketUrl} (a load balancer, another node) with {@code Authorization:
     * Bearer <token>}, keeping the cookies it is given in {@code cookies}, as a browser's tab does; does not wait.
     */
    public Connection openThrough(String socketUrl, String token, Mode mode, Cookies cookies) {
        return track(Connection.open(socketUrl, Map.of("authorization", List.of("Bearer " + token)), null, mode, false, cookies));
    }

    /** Opens with {@code Authorization: Bearer <token>} and does not wait. */
    public Connection open(String token, Mode mode) {
        return openWithHeaders(Map.of("authorization", List.of("Bearer " + token)), mode);
    }

    /** Opens with exactly these headers (none, another scheme, an odd value...) and does not wait. */
    public Connection openWithHeaders(Map<String, List<String>> headers, Mode mode) {
        return track(Connection.open(app.socketUrl(), headers, mode, false));
    }

    /**
     * Polling first, with the token on the handshake request only: every later request, the websocket
     * upgrade included, goes without it.
     */
    public Connection openWithTokenOnHandshakeOnly(String token) {
        return track(Connection.open(app.socketUrl(), Map.of("authorization", List.of("Bearer " + token)),
                Mode.POLLING_FIRST, true));
    }

    /**
     * Connects websocket-only, as a browser page does, with the token in the Socket.IO v4 auth payload
     * ({@code auth: { token }}) and no header, and waits until connected.
     */
    public Connection connectWithPayload(String token) {
        return openWithPayload(Map.of("token", token), Map.of(), Mode.WEBSOCKET_ONLY).awaitConnected();
    }

    /** Opens with this auth payload (any shape) and these headers, and does not wait. */
    public Connection openWithPayload(Map<String, String> auth, Map<String, List<String>> headers, Mode mode) {
        return track(Connection.open(app.socketUrl(), headers, auth, mode, false));
    }

    /** A bare engine.io session over a WebSocket, with these handshake headers: see {@link RawSession}. */
    public RawSession openRaw(Map<String, String> headers) {
        return openRawTo(app.socketUrl(), headers);
    }

    /** The same, to another Socket.IO server (a second app of the test's own). */
    public RawSession openRawTo(String socketUrl, Map<String, String> headers) {
        RawSession raw = RawSession.open(socketUrl, headers);
        raws.add(raw);
        return raw;
    }

    private Connection track(Connection connection) {
        opened.add(connection);
        return connection;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        opened.forEach(Connection::close);
        opened.clear();
        raws.forEach(RawSession::close);
        raws.clear();
    }
}
