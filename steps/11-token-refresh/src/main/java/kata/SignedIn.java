package kata;

import java.time.Instant;

/**
 * A user signed in with one token: who, the token's id ({@code jti}), the user's stamp the token carries,
 * when it expires, and the login it was issued to ({@code fam}, step 11: the refresh token's family; null
 * for a token that no login can refresh). The id names the token, whatever its spelling: one signed token can be written
 * several ways (see {@link Tokens#isWrittenOurWay}), so nothing is ever keyed on the token's text. The
 * token itself (a password until it expires) is never kept nor logged.
 */
public record SignedIn(User user, String tokenId, long stamp, Instant expiresAt, String family) {

    /** A token of no family. */
    public SignedIn(User user, String tokenId, long stamp, Instant expiresAt) {
        this(user, tokenId, stamp, expiresAt, null);
    }

    /** The same sign-in, for the user as the app knows them now. */
    SignedIn withUser(User current) {
        return new SignedIn(current, tokenId, stamp, expiresAt, family);
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
