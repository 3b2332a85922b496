package kata.room;

import io.jsonwebtoken.Claims;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.UUID;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The room's two kinds of token, as step 02 and 03 teach them: HS256 pinned, {@code iss}, {@code aud} and
 * {@code exp} required. A participant's token (audience {@value #PARTICIPANT}) names one participant in its
 * {@code sub}: a report is filed under that id and no other, whatever its body says. The facilitator's
 * token (audience {@value #FACILITATOR}) opens the page's Socket.IO connection; neither is accepted in
 * place of the other.
 */
final class RoomTokens {

    static final String ISSUER = "kata-room";
    static final String PARTICIPANT = "kata-room-participant";
    static final String FACILITATOR = "kata-room-facilitator";

    private final SecretKey key;
    private final Clock clock;
    private final Duration lifetime;
    private final JwtParser participants;
    private final JwtParser facilitators;

    /** {@code secret}: at least 32 bytes, as HS256 needs (RFC 7518, 3.2). */
    RoomTokens(byte[] secret, Clock clock, Duration lifetime) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("ROOM_SECRET must be at least 32 bytes (256 bits) for HS256; it has " + secret.length);
        }
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.clock = clock;
        this.lifetime = lifetime;
        this.participants = parser(PARTICIPANT);
        this.facilitators = parser(FACILITATOR);
    }

    private JwtParser parser(String audience) {
        return Jwts.parser()
                .verifyWith(key)
                .sig().clear().add(Jwts.SIG.HS256).and()
                .requireIssuer(ISSUER)
                .requireAudience(audience)
                .clock(() -> Date.from(clock.instant()))
                .build();
    }

    /** A participant's token: its {@code sub} is a new participant id, {@code name} what it chose to be called. */
    String participant(String name) {
        return sign(PARTICIPANT, "p-" + UUID.randomUUID(), name);
    }

    String facilitator() {
        return sign(FACILITATOR, "facilitator", null);
    }

    // aud as one string, like the kata's tokens (TUTORIAL.md, step 02)
    @SuppressWarnings("deprecation")
    private String sign(String audience, String subject, String name) {
        Date now = Date.from(clock.instant());
        var builder = Jwts.builder()
                .issuer(ISSUER)
                .audience().single(audience)
                .subject(subject)
                .issuedAt(now)
                .expiration(Date.from(clock.instant().plus(lifetime)));
        if (name != null) {
            builder.claim("name", name);
        }
        return builder.signWith(key, Jwts.SIG.HS256).compact();
    }

    /** The participant a token proves, or null: forged, expired, the facilitator's, or no exp. */
    Participant participantOf(String token) {
        Claims claims = verify(participants, token);
        if (claims == null || !(claims.get("name") instanceof String name) || claims.getSubject() == null
                || !claims.getSubject().startsWith("p-")) {
            return null;
        }
        return new Participant(claims.getSubject(), name);
    }

    boolean isFacilitator(String token) {
        Claims claims = verify(facilitators, token);
        return claims != null && "facilitator".equals(claims.getSubject());
    }

    private static Claims verify(JwtParser parser, String token) {
        if (token == null || token.isBlank() || token.length() > 2_000) {
            return null;
        }
        try {
            Claims claims = parser.parseSignedClaims(token).getPayload();
            // jjwt accepts a token without exp: this room does not
            return claims.getExpiration() == null ? null : claims;
        } catch (JwtException | IllegalArgumentException e) {
            return null;
        }
    }

    record Participant(String id, String name) {
    }
}
