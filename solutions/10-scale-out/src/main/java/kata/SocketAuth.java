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
        BearerToken.Parsed parsed = BearerToken.parse(handshake.getHttpHeaders().get("Authorization"));
        if (parsed instanceof BearerToken.NoToken) {
            return refuse("no token");
        }
        if (!(parsed instanceof BearerToken.Token token)) {
            return refuse("invalid token");
        }
        Optional<User> user;
        try {
            user = users.byId(tokens.verify(token.value()).id());
        } catch (InvalidToken e) {
            // like the guide, one reason for every failed verification; the details stay here
            return refuse("invalid token");
        }
        if (user.isEmpty()) {
            return refuse("invalid token");
        }
        return new AuthorizationResult(true, Map.of(SocketServer.USER, user.get()));
    }

    /** Logs the reason (never the token: it is a password for an hour) and refuses the handshake. */
    private static AuthorizationResult refuse(String reason) {
        LOG.info("handshake refused: {}", reason);
        return AuthorizationResult.FAILED_AUTHORIZATION;
    }
}
