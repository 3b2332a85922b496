package kata;

import java.time.Instant;

/**
 * A user signed in with one token: who, the token's id ({@code jti}), the user's stamp the token carries,
 * and when it expires. The id names the token, whatever its spelling: one signed token can be written
 * several ways (see {@link Tokens#isWrittenOurWay}), so nothing is ever keyed on the token's text. The
 * token itself (a password until it expires) is never kept nor logged.
 */
public record SignedIn(User user, String tokenId, long stamp, Instant expiresAt) {

    /** The same sign-in, for the user as the app knows them now. */
    SignedIn withUser(User current) {
        return new SignedIn(current, tokenId, stamp, expiresAt);
    }

    /** Whether two sign-ins are one token. */
    boolean sameTokenAs(SignedIn other) {
        return tokenId.equals(other.tokenId);
    }

    @Override
    public String toString() {
        return "SignedIn[" + user.username() + ", expires " + expiresAt + "]";
    }
}
