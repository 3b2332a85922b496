package kata;

import com.corundumstudio.socketio.AuthorizationListener;
import com.corundumstudio.socketio.AuthorizationResult;
import com.corundumstudio.socketio.HandshakeData;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the Socket.IO handshake, the first HTTP request of a session: its Origin, and the
 * Authorization header when there is one. The Java counterpart of the guide's {@code io.engine.use(..)}
 * middleware with its {@code isHandshake} check, parsing the header by hand.
 *
 * <p>netty-socketio calls this for every HTTP request that has no session id yet: the first polling
 * request (or the websocket request of a websocket-only client), and also the browser's CORS
 * preflight. Later polling requests and the upgrade to websocket carry the session id, and belong to
 * a session that was checked when it was made; they are not checked again.
 *
 * <p>A handshake may come without a header: a browser cannot set one on a WebSocket, so its token
 * comes later, in the {@code auth} payload of the Socket.IO CONNECT ({@link AuthPayload}). Such a
 * session has no user until then, and {@link SocketServer} closes it if none comes.
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
        // Checked for every transport: a WebSocket is not bound by CORS, so without this check any site
        // could open one with the user's cookies or stored token (cross-site WebSocket hijacking).
        String origin = handshake.getHttpHeaders().get("Origin");
        if (origin != null && !pageOrigins.allows(origin)) {
            LOG.info("handshake refused: origin {} is not the page's", origin);
            return AuthorizationResult.FAILED_AUTHORIZATION;
        }
        if (handshake.getHttpHeaders().contains("Access-Control-Request-Method")) {
            // A CORS preflight: the browser asks whether it may send the Authorization header, and never
            // sends credentials with this question. Refusing it would stop the page from ever connecting.
            // It makes no session: plumbing answers it once this listener has let it through.
            return AuthorizationResult.SUCCESSFUL_AUTHORIZATION;
        }
        BearerToken.Parsed parsed = BearerToken.parse(handshake.getHttpHeaders().get("Authorization"));
        if (parsed instanceof BearerToken.NoToken) {
            // no header: the token may still come in the CONNECT's auth payload (AuthPayload). The session
            // gets no user here; it joins nothing, and is closed, unless its CONNECT is accepted (SocketServer).
            return AuthorizationResult.SUCCESSFUL_AUTHORIZATION;
        }
        if (!(parsed instanceof BearerToken.Token token)) {
            return refuse("invalid token");
        }
        SignedIn signedIn;
        try {
            signedIn = strategy.signInWithToken(token.value());
        } catch (Unauthorized e) {
            // like the guide, one answer for every failed verification (a bare 401); the details stay in the log
            return refuse(e.reason());
        }
        return new AuthorizationResult(true, Map.of(Session.HANDSHAKE, signedIn));
    }

    /** Logs the reason (never the token: it is a password for an hour) and refuses the handshake. */
    private static AuthorizationResult refuse(String reason) {
        LOG.info("handshake refused: {}", reason);
        return AuthorizationResult.FAILED_AUTHORIZATION;
    }
}
