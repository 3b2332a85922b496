package kata;

import java.util.Locale;

/**
 * The user an {@code Authorization: Bearer <token>} header proves: the Java counterpart of the
 * guide's passport-jwt strategy with ExtractJwt.fromAuthHeaderAsBearerToken(). Used by every route
 * that needs a signed-in user, and by the Socket.IO server: the handshake's header (steps 04 and 05)
 * and the connection's {@code auth} payload (step 08).
 */
public final class JwtStrategy {

    private final Tokens tokens;
    private final Users users;

    public JwtStrategy(Tokens tokens, Users users) {
        this.tokens = tokens;
        this.users = users;
    }

    /** The signed-in user, or {@link Unauthorized} with a short reason. */
    public User authenticate(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw new Unauthorized("no token");
        }
        String[] schemeAndToken = authorizationHeader.trim().split(" +", 2);
        // the scheme is case-insensitive (RFC 9110 section 11.1): Bearer, bearer and BEARER are the same
        if (schemeAndToken.length != 2 || !schemeAndToken[0].toLowerCase(Locale.ROOT).equals("bearer")) {
            throw new Unauthorized("invalid token");
        }
        return authenticateToken(schemeAndToken[1]);
    }

    /**
     * The signed-in user a bare token proves, wherever it came from: the header above, or (step 08)
     * the {@code auth} payload of a Socket.IO connection.
     */
    public User authenticateToken(String token) {
        try {
            User claimed = tokens.verify(token);
            // a well-signed token for a user who no longer exists proves nothing
            return users.byId(claimed.id()).orElseThrow(() -> new Unauthorized("invalid token"));
        } catch (InvalidToken e) {
            throw new Unauthorized(e.reason());
        }
    }
}
