package kata;

import com.corundumstudio.socketio.AuthorizationListener;
import com.corundumstudio.socketio.AuthorizationResult;
import com.corundumstudio.socketio.HandshakeData;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates the Socket.IO handshake, and only the handshake: the Java counterpart of the guide's
 * {@code io.engine.use(..)} middleware with its {@code isHandshake} check, parsing the header by hand.
 *
 * <p>netty-socketio calls this for every HTTP request that has no session id yet: the first polling
 * request (or the websocket request of a websocket-only client), and also the browser's CORS
 * preflight. Later polling requests and the upgrade to websocket carry the session id, and belong to
 * a session that was authenticated when it was made; they are not checked again.
 */
public final class SocketAuth implements AuthorizationListener {

    private static final Logger LOG = LoggerFactory.getLogger(SocketAuth.class);

    private final Tokens tokens;
    private final Users users;
    private final PageOrigins pageOrigins;

    /** A browser on a site other than the app's page is refused, whatever token it has. */
    public SocketAuth(Tokens tokens, Users users, PageOrigins pageOrigins) {
        this.tokens = tokens;
        this.users = users;
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
        // Parse the Authorization header with BearerToken and verify the token yourself (tokens,
        // users). Refuse with the guide's reasons: "no token" when there is none, "invalid
        // token" for everything else. Accept as in step 04.
        throw new Todo("step 05: parse and verify the header in SocketAuth.getAuthorizationResult (steps/05-manual-parsing/src/main/java/kata/SocketAuth.java)");
    }

    /** Logs the reason (never the token: it is a password for an hour) and refuses the handshake. */
    private static AuthorizationResult refuse(String reason) {
        LOG.info("handshake refused: {}", reason);
        return AuthorizationResult.FAILED_AUTHORIZATION;
    }
}
