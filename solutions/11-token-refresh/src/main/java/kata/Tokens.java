package kata;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import javax.crypto.SecretKey;

/**
 * Signs the tokens that /login hands out, as the guide's jwt.sign(..) does, and verifies the
 * tokens that come back, as passport-jwt does with the same options.
 */
public final class Tokens {

    public static final String ISSUER = "accounts.examplesoft.com";
    public static final String AUDIENCE = "yoursite.net";
    /**
     * How far in the future an {@code iat} may be: the nodes' clocks (step 10) may differ by that much, or a
     * clock may have been set back. {@code exp} gets no leeway: a token lives its lifetime by the clock of
     * the node that checks it, give or take that node's error. {@code nbf} is never issued here; jjwt
     * refuses one in the future (its clock skew is 0).
     */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    /** The longest {@code jti} accepted: ours are UUIDs (36 characters). */
    private static final int MAX_TOKEN_ID = 64;

    private final SecretKey key;
    private final Clock clock;
    private final Duration lifetime;

    private final JwtParser parser;

    public Tokens(SecretKey key, Clock clock, Duration lifetime) {
        this.key = key;
        this.clock = clock;
        this.lifetime = lifetime;
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
     * {@code aud}, {@code iat}, {@code exp} one lifetime later (TOKEN_LIFETIME, an hour by default),
     * {@code jti}, a random id: what a logout revokes (two logins in the same second get two tokens, which
     * can be revoked apart), and {@code stamp}, the user's stamp when the token was issued: a "log out
     * everywhere" gives the user a new one, and every token with the old one is void ({@link Revocations}).
     * Step 11: {@code fam}, the login it belongs to (the family of its refresh token), when {@code family} is
     * not null: a refresh token used twice voids every token of its family.
     */
    // aud is one string, like the guide's: jjwt marks audience().single(..) deprecated only to discourage
    // it (RFC 7519 allows it, and jjwt will not remove it); see TUTORIAL.md, step 02
    @SuppressWarnings("deprecation")
    public String sign(User user, long stamp) {
        return sign(user, stamp, null);
    }

    /** The same, for one login: {@code fam} names its family ({@link RefreshTokens}). */
    @SuppressWarnings("deprecation")
    public String sign(User user, long stamp, String family) {
        Instant now = clock.instant();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", user.id());
        data.put("username", user.username());
        return Jwts.builder()
                .claim("data", data)
                .issuer(ISSUER)
                .audience().single(AUDIENCE)
                .issuedAt(Date.from(now))
                .expiration(Date.from(now.plus(lifetime)))
                .id(UUID.randomUUID().toString())
                .claim("stamp", stamp)
                .claim("fam", family)
                // name the algorithm: signWith(key) alone would pick one from the key's length
                .signWith(key, Jwts.SIG.HS256)
                .compact();
    }

    /**
     * The user a token was signed for. Refuses (with a reason fit for the client) anything that is not
     * an HS256 JWS signed with our key, issued by us, for us, not expired, with an expiry, an id, a stamp,
     * and a user in its {@code data} claim.
     */
    public User verify(String token) throws InvalidToken {
        return verified(token).user();
    }

    /** {@link #verify}, with what a revocation needs: the token's id, its stamp and its expiry. */
    public SignedIn verified(String token) throws InvalidToken {
        if (!isWrittenOurWay(token)) {
            throw new InvalidToken("invalid token");
        }
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
        if (claims.getIssuedAt() != null && claims.getIssuedAt().toInstant().isAfter(clock.instant().plus(CLOCK_SKEW))) {
            throw new InvalidToken("invalid token");
        }
        // a token without an id could not be revoked, one without a stamp could not be logged out everywhere
        String tokenId = claims.getId();
        if (tokenId == null || tokenId.isBlank() || tokenId.length() > MAX_TOKEN_ID
                || !(claims.get("stamp") instanceof Number stamp) || !(stamp instanceof Integer || stamp instanceof Long)) {
            throw new InvalidToken("invalid token");
        }
        Object family = claims.get("fam");
        if (family != null && !(family instanceof String name && !name.isBlank() && name.length() <= MAX_TOKEN_ID)) {
            throw new InvalidToken("invalid token");
        }
        if (claims.get("data") instanceof Map<?, ?> data
                && data.get("id") instanceof Integer id
                && data.get("username") instanceof String username) {
            return new SignedIn(new User(id, username), tokenId, stamp.longValue(), claims.getExpiration().toInstant(), (String) family);
        }
        throw new InvalidToken("invalid token");
    }

    /**
     * Whether the signature is spelled the one way this app writes it: base64url without padding. jjwt
     * also accepts other spellings of the same bytes (the last character's unused low bits set, a trailing
     * {@code =}), so one signed token has several texts. Revocations never look at the text (they key on
     * {@code jti}), so this is a second line of defence: nothing downstream (a log, a cache, a deny-list
     * someone adds later) can be told two tokens apart that are one. Node's jsonwebtoken refuses them too.
     */
    static boolean isWrittenOurWay(String token) {
        int lastDot = token.lastIndexOf('.');
        if (lastDot < 0) {
            return false;
        }
        String signature = token.substring(lastDot + 1);
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(signature);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
