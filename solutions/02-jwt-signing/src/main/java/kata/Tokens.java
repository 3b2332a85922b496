package kata;

import io.jsonwebtoken.Jwts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.SecretKey;

/** Signs the tokens that /login hands out, as the guide's jwt.sign(..) does. */
public final class Tokens {

    public static final String ISSUER = "accounts.examplesoft.com";
    public static final String AUDIENCE = "yoursite.net";
    public static final Duration LIFETIME = Duration.ofHours(1);

    private final SecretKey key;
    private final Clock clock;

    public Tokens(SecretKey key, Clock clock) {
        this.key = key;
        this.clock = clock;
    }

    /**
     * A compact JWS: header {@code {"alg":"HS256"}}, claims {@code data} (the user), {@code iss},
     * {@code aud}, {@code iat} and {@code exp} one hour later.
     */
    // aud is one string, like the guide's: jjwt marks audience().single(..) deprecated only to discourage
    // it (RFC 7519 allows it, and jjwt will not remove it); see TUTORIAL.md, step 02
    @SuppressWarnings("deprecation")
    public String sign(User user) {
        // BEGIN SOLUTION
        Instant now = clock.instant();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", user.id());
        data.put("username", user.username());
        return Jwts.builder()
                .claim("data", data)
                .issuer(ISSUER)
                .audience().single(AUDIENCE)
                .issuedAt(Date.from(now))
                .expiration(Date.from(now.plus(LIFETIME)))
                // name the algorithm: signWith(key) alone would pick one from the key's length
                .signWith(key, Jwts.SIG.HS256)
                .compact();
        // STUB
        // // A JWS signed with HS256 (name the algorithm), with the claims data = {id, username},
        // // iss, aud (one string), iat (now, from the clock) and exp (now + LIFETIME).
        // throw new Todo("step 02: sign the token in Tokens.sign (steps/02-jwt-signing/src/main/java/kata/Tokens.java)");
        // END SOLUTION
    }
}
