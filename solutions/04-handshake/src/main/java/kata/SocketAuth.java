package kata;

import com.corundumstudio.socketio.AuthorizationListener;
import com.corundumstudio.socketio.AuthorizationResult;
import com.corundumstudio.socketio.HandshakeData;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates the Socket.IO handshake, and only the handshake: the Java counterpart of the guide's
 * {@code io.engine.use(..)} middleware with its {@code isHandshake} check.
 *
 * <p>netty-socketio calls this for every HTTP request that has no session id yet: the first polling
 * request (or the websocket request of a websocket-only client), and also the browser's CORS
 * preflight. Later polling requests and the upgrade to websocket carry the session id, and belong to
 * a session that was authenticated when it was made; they are not checked again.
 */
public final class SocketAuth implements AuthorizationListener {

    private static final Logger LOG = LoggerFactory.getLogger(SocketAuth.class);

    private final JwtStrategy strategy;
    private final PageOrigins pageOrigins;

    /** A browser on a site other than the app's page is refused, whatever token it has. */
    public SocketAuth(JwtStrategy strategy, PageOrigins pageOrigins) {
        this.strategy = strategy;
        this.pageOrigins = pageOrigins;
    }

    @Override
    public AuthorizationResult getAuthorizationResult(HandshakeData handshake) {
        String origin = handshake.getHttpHeaders().get("Origin");
        if (origin != null && !pageOrigins.allows(origin)) {
            LOG.info("handshake refused: origin {} is not the page's", origin);
            return AuthorizationResult.FAILED_AUTHORIZATION;
        }
        if (handshake.getHttpHeaders().contains("Access-Control-Request-Method")) {
            // A CORS preflight: the browser asks whether it may send the Authorization header, and never
            // sends credentials with this question. Refusing it would stop the page from ever connecting.
            // It makes no session with a user: see SocketServer, which drops connections without one.
            return AuthorizationResult.SUCCESSFUL_AUTHORIZATION;
        }
        // BEGIN SOLUTION
        try {
            User user = strategy.authenticate(handshake.getHttpHeaders().get("Authorization"));
            // kept with the connection: the Java counterpart of the guide's socket.request.user
            return new AuthorizationResult(true, Map.of(SocketServer.USER, user));
        } catch (Unauthorized e) {
            LOG.info("handshake refused: {}", e.reason());
            return AuthorizationResult.FAILED_AUTHORIZATION;
        }
        // STUB
        // // Authenticate the Authorization header (step 03's strategy does it). Accept the
        // // handshake with the user kept on the connection under SocketServer.USER, or refuse it.
        // throw new Todo("step 04: authenticate the handshake in SocketAuth.getAuthorizationResult (steps/04-handshake/src/main/java/kata/SocketAuth.java)");
        // END SOLUTION
    }
}
