package kata;

import io.jsonwebtoken.Jwts;
import java.nio.charset.StandardCharsets;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key that signs and verifies the tokens (HMAC with SHA-256: HS256).
 *
 * <p>The guide signs with the secret "Mys3cr3t": 8 bytes, 64 bits. RFC 7518 §3.2 requires a key at
 * least as long as the hash, 256 bits for HS256, because a short secret can be found by trying
 * candidates offline against any token an attacker has seen. So the app refuses a short one.
 */
public final class SigningKey {

    /** 256 bits. */
    public static final int MIN_BYTES = 32;

    private SigningKey() {
    }

    /**
     * The key from JWT_SECRET, read as UTF-8 bytes as Node's jsonwebtoken reads a string secret, so a
     * token signed here verifies there with the same secret.
     */
    public static SecretKey fromSecret(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_BYTES) {
            throw new IllegalArgumentException("JWT_SECRET is " + bytes.length + " bytes long, and HS256 needs at least "
                    + MIN_BYTES + " (256 bits, RFC 7518 section 3.2): a short secret can be guessed offline from any token."
                    + " Make one with: openssl rand -base64 48");
        }
        return new SecretKeySpec(bytes, "HmacSHA256");
    }

    /** A fresh random 256-bit key, for when no JWT_SECRET is given: tokens then die with the process. */
    public static SecretKey random() {
        return Jwts.SIG.HS256.key().build();
    }
}
