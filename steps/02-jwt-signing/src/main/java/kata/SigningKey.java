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
        // HS256 needs a key of at least MIN_BYTES bytes, counted in UTF-8. Refuse a shorter
        // secret with an IllegalArgumentException whose message names JWT_SECRET and says why
        // and how to make a longer one (Config passes it on as it is); otherwise make an HMAC-
        // SHA256 key of the bytes.
        throw new Todo("step 02: turn JWT_SECRET into a key in SigningKey.fromSecret (steps/02-jwt-signing/src/main/java/kata/SigningKey.java)");
    }

    /** A fresh random 256-bit key, for when no JWT_SECRET is given: tokens then die with the process. */
    public static SecretKey random() {
        return Jwts.SIG.HS256.key().build();
    }
}
