package kata;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token a client sends in the Socket.IO CONNECT packet: {@code io(url, { auth: { token } })} on the
 * client, {@code socket.handshake.auth.token} in a Node {@code io.use(..)} middleware. It reaches the
 * server inside the connection, so a browser can send it over a WebSocket, where it cannot set headers.
 *
 * <p>{@link SocketServer} calls this from netty-socketio's auth token listener, and guards against that
 * listener's traps.
 */
public final class AuthPayload {

    private static final Logger LOG = LoggerFactory.getLogger(AuthPayload.class);

    private final JwtStrategy strategy;

    public AuthPayload(JwtStrategy strategy) {
        this.strategy = strategy;
    }

    /**
     * The user (and token) that {@code {"token": "<jwt>"}} proves, through the same {@link JwtStrategy} as the
     * header, or {@link Unauthorized} with "no token" or "invalid token". The payload is whatever JSON
     * object the client sent: any shape may arrive.
     */
    public SignedIn authenticate(Object auth) {
        if (!(auth instanceof Map<?, ?> payload) || payload.get("token") == null || "".equals(payload.get("token"))) {
            throw new Unauthorized("no token");
        }
        if (!(payload.get("token") instanceof String token)) {
            throw new Unauthorized("invalid token");
        }
        try {
            // the bare token, no "Bearer " in front: that is the header's syntax, not the payload's
            return strategy.signInWithToken(token);
        } catch (Unauthorized e) {
            // like the handshake, one reason for every failed verification: the details stay in the log
            LOG.info("auth payload refused: {}", e.reason());
            throw new Unauthorized("invalid token");
        }
    }
}
