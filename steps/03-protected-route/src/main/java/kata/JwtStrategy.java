package kata;

import java.util.Locale;

/**
 * The user an {@code Authorization: Bearer <token>} header proves: the Java counterpart of the
 * guide's passport-jwt strategy with ExtractJwt.fromAuthHeaderAsBearerToken(). Used by every route
 * that needs a signed-in user, and (step 04) by the Socket.IO handshake.
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
        // No header, or an empty one: Unauthorized "no token". Not "Bearer <token>" (the scheme in any case):
        // "invalid token". Otherwise the token must verify, and the user it names must still
        // exist; a refused token keeps its reason.
        throw new Todo("step 03: authenticate the bearer token in JwtStrategy.authenticate (steps/03-protected-route/src/main/java/kata/JwtStrategy.java)");
    }
}
