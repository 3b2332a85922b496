package kata;

import java.util.Locale;

/**
 * The user an {@code Authorization: Bearer <token>} header proves: the Java counterpart of the
 * guide's passport-jwt strategy with ExtractJwt.fromAuthHeaderAsBearerToken(). Used by every route
 * that needs a signed-in user, and by the Socket.IO server: the handshake's header (steps 04 and 05)
 * and the connection's {@code auth} payload (step 08). A token its user logged out with proves nothing
 * either (step 09).
 */
public final class JwtStrategy {

    private final Tokens tokens;
    private final Users users;
    private final Revocations revocations;

    public JwtStrategy(Tokens tokens, Users users, Revocations revocations) {
        this.tokens = tokens;
        this.users = users;
        this.revocations = revocations;
    }

    /** The signed-in user, or {@link Unauthorized} with a short reason. */
    public User authenticate(String authorizationHeader) {
        return signIn(authorizationHeader).user();
    }

    /** The same, with the token's id, stamp and expiry: what POST /logout needs. */
    public SignedIn signIn(String authorizationHeader) {
        if (authorizationHeader == null || authorizationHeader.isBlank()) {
            throw new Unauthorized("no token");
        }
        String[] schemeAndToken = authorizationHeader.trim().split(" +", 2);
        // the scheme is case-insensitive (RFC 9110 section 11.1): Bearer, bearer and BEARER are the same
        if (schemeAndToken.length != 2 || !schemeAndToken[0].toLowerCase(Locale.ROOT).equals("bearer")) {
            throw new Unauthorized("invalid token");
        }
        return signInWithToken(schemeAndToken[1]);
    }

    /**
     * The signed-in user a bare token proves, wherever it came from: the header above, or (step 08)
     * the {@code auth} payload of a Socket.IO connection.
     */
    public User authenticateToken(String token) {
        return signInWithToken(token).user();
    }

    /** The same, with the token's id, stamp and expiry: what a connection needs to end when its token does. */
    public SignedIn signInWithToken(String token) {
        SignedIn signedIn;
        try {
            signedIn = tokens.verified(token);
        } catch (InvalidToken e) {
            throw new Unauthorized(e.reason());
        }
        // a well-signed token for a user who no longer exists proves nothing
        User user = users.byId(signedIn.user().id()).orElseThrow(() -> new Unauthorized("invalid token"));
        // nor does one its user logged out with (step 09)
        if (revocations.isRevoked(signedIn)) {
            throw new Unauthorized("token revoked");
        }
        return signedIn.withUser(user);
    }

    /**
     * Whether a sign-in proved earlier has been revoked since: a connection asks again once it has joined its
     * user's room, where a logout finds it, so that a logout between the check and the join is not missed.
     */
    public boolean isRevoked(SignedIn signedIn) {
        return revocations.isRevoked(signedIn);
    }
}
