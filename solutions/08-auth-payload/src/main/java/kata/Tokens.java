package kata;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.SecretKey;

/**
 * Signs the tokens that /login hands out, as the guide's jwt.sign(..) does, and verifies the
 * tokens that come back, as passport-jwt does with the same options.
 */
public final class Tokens {

    public static final String ISSUER = "accounts.examplesoft.com";
    public static final String AUDIENCE = "yoursite.net";
    public static final Duration LIFETIME = Duration.ofHours(1);

    private final SecretKey key;
    private final Clock clock;

    private final JwtParser parser;

    public Tokens(SecretKey key, Clock clock) {
        this.key = key;
        this.clock = clock;
        this.parser = Jwts.parser()
                .verifyWith(key)
                // pin the algorithm: with only verifyWith(key), any HMAC the key is long enough for passes
                .sig().clear().add(Jwts.SIG.HS256).and()
                .requireIssuer(ISSUER)
                .requireAudience(AUDIENCE)
                .clock(() -> Date.from(clock.instant()))
                .build();
    }

    /**
     * A compact JWS: header {@code {"alg":"HS256"}}, claims {@code data} (the user), {@code iss},
     * {@code aud}, {@code iat} and {@code exp} one hour later.
     */
    // aud is one string, like the guide's: jjwt marks audience().single(..) deprecated only to discourage
    // it (RFC 7519 allows it, and jjwt will not remove it); see TUTORIAL.md, step 02
    @SuppressWarnings("deprecation")
    public String sign(User user) {
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
    }

    /**
     * The user a token was signed for. Refuses (with a reason fit for the client) anything that is not
     * an HS256 JWS signed with our key, issued by us, for us, not expired, with an expiry, and with a
     * user in its {@code data} claim.
     */
    public User verify(String token) throws InvalidToken {
        Claims claims;
        try {
            claims = parser.parseSignedClaims(token).getPayload();
        } catch (ExpiredJwtException e) {
            throw new InvalidToken("token expired");
        } catch (JwtException | IllegalArgumentException e) {
            // bad signature, other key, alg none, other algorithm, wrong iss or aud, nbf to come, malformed...
            throw new InvalidToken("invalid token");
        }
        // the parser accepts these; the application must not
        if (claims.getExpiration() == null) {
            throw new InvalidToken("invalid token");
        }
        if (claims.getIssuedAt() != null && claims.getIssuedAt().toInstant().isAfter(clock.instant())) {
            throw new InvalidToken("invalid token");
        }
        if (claims.get("data") instanceof Map<?, ?> data
                && data.get("id") instanceof Integer id
                && data.get("username") instanceof String username) {
            return new User(id, username);
        }
        throw new InvalidToken("invalid token");
    }
}
