package kata;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;

/**
 * A user signed in with one token: who, the token's id, and the token's times. The id is a SHA-256 of
 * the token, so that the token itself (a password until it expires) is never kept nor logged.
 */
public record SignedIn(User user, String tokenId, Instant issuedAt, Instant expiresAt) {

    static SignedIn of(String token, Tokens.Verified verified) {
        return new SignedIn(verified.user(), idOf(token), verified.issuedAt(), verified.expiresAt());
    }

    static String idOf(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "SignedIn[" + user.username() + ", expires " + expiresAt + "]";
    }
}
