package kata;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import kata.Families.Family;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Short access tokens, and a refresh token that rotates (the OAuth 2.0 Security Best Current Practice,
 * RFC 9700, section 4.14). A login starts a <em>family</em>: its refresh token, kept by the browser in a
 * cookie that the page's script cannot read, buys a new access token at {@code POST /refresh}, and is
 * replaced by the next one of its family each time. A refresh token is {@code <family>.<counter>.<mac>}:
 * the server keeps, per family, only which counter is current ({@link Families}).
 *
 * <p>A refresh token that was replaced and comes back means that two parties hold it, the user and
 * someone who copied it: the server cannot tell which is which, so the whole family is revoked, and every
 * connection of it ends. The one exception is a token replaced a moment ago ({@code reuseGrace}): two tabs
 * that refreshed at once both get the current one.
 */
public final class RefreshTokens {

    /** The cookie that carries the refresh token: sent to {@code /refresh} only. */
    public static final String COOKIE = "refresh";

    /** What a login or a refresh hands out: an access token, and the refresh token that replaces the last one. */
    public record Issued(String accessToken, String refreshToken) {
    }

    private static final Pattern TEXT = Pattern.compile("([A-Za-z0-9_-]{22})\\.(0|[1-9][0-9]{0,17})\\.([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger LOG = LoggerFactory.getLogger(RefreshTokens.class);

    private final Tokens tokens;
    private final Users users;
    private final Revocations revocations;
    private final Families families;
    private final SocketServer sockets;
    private final Config.Refresh settings;
    private final Duration accessLifetime;
    private final Clock clock;
    private final SecretKey macKey;

    public RefreshTokens(Tokens tokens, Users users, Revocations revocations, Families families, SocketServer sockets, Config config) {
        this.tokens = tokens;
        this.users = users;
        this.revocations = revocations;
        this.families = families;
        this.sockets = sockets;
        this.settings = config.refresh();
        this.accessLifetime = config.tokenLifetime();
        this.clock = config.clock();
        // a key of its own, derived from the signing key: a refresh token's mac is never a JWT's signature
        this.macKey = new SecretKeySpec(mac(config.signingKey(), "refresh tokens"), "HmacSHA256");
    }

    /**
     * A login: a new family, its first refresh token, and an access token that names the family. When the
     * family cannot be stored (step 10: Redis does not answer), a login all the same, which cannot be
     * refreshed: an access token of no family, and no refresh token (null).
     */
    public Issued login(User user) {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        String family = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        Instant now = clock.instant();
        long stamp = revocations.stampOf(user);
        try {
            families.create(family, new Family(user.id(), stamp, 0, now, now, now, false));
        } catch (Families.Unavailable e) {
            // the store said why in the log (step 10: once per interval while Redis does not answer)
            return new Issued(tokens.sign(user, stamp), null);
        }
        return new Issued(tokens.sign(user, stamp, family), text(family, 0));
    }

    /** POST /refresh: a new access token and the next refresh token, or {@link Unauthorized} with the reason. */
    public Issued refresh(String presented) {
        Matcher parts = presented == null ? null : TEXT.matcher(presented);
        if (parts == null || !parts.matches() || !MessageDigest.isEqual(
                text(parts.group(1), Long.parseLong(parts.group(2))).getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII))) {
            throw new Unauthorized("invalid refresh token");
        }
        String id = parts.group(1);
        long counter = Long.parseLong(parts.group(2));
        try {
            return refresh(id, counter);
        } catch (Families.Unavailable e) {
            // step 10: the families are in Redis, which does not answer (the store logs it); no node can decide alone
            throw new HttpError(503, "the login could not be refreshed: Redis does not answer. Try again");
        }
    }

    private Issued refresh(String id, long counter) {
        Family family = families.get(id);
        User user = family == null ? null : users.byId(family.userId()).orElse(null);
        if (user == null) {
            throw new Unauthorized("invalid refresh token");
        }
        Instant now = clock.instant();
        // BEGIN SOLUTION
        if (family.revoked() || revocations.isFamilyRevoked(id) || family.stamp() != revocations.stampOf(user)) {
            // reused before, logged out (here, or on a node that died before it could mark the family), or
            // logged out everywhere since the login
            throw new Unauthorized("refresh token revoked");
        }
        if (!now.isBefore(family.created().plus(settings.lifetime())) || !now.isBefore(family.used().plus(settings.idle()))) {
            throw new Unauthorized("refresh token expired");
        }
        if (counter == family.counter() && families.advance(id, counter, now)) {
            return issue(user, family, id, counter + 1);
        }
        // the one it replaced, a moment ago (two tabs at once; or this very token, which another request
        // rotated between the read and the advance): the current one, no rotation
        Family latest = counter == family.counter() ? families.get(id) : family;
        if (latest != null && counter == latest.counter() - 1 && now.isBefore(latest.rotated().plus(settings.reuseGrace()))) {
            return issue(user, latest, id, latest.counter());
        }
        // a replaced token comes back: someone else holds it too. The whole login goes
        int ended = revoke(user, id, "refresh token reused");
        LOG.warn("{}'s refresh token was used twice: that login is revoked, {} connection(s) ended here", user.username(), ended);
        throw new Unauthorized("refresh token reused");
        // STUB
        // // TODO step 11: refuse a revoked family (or one whose stamp is not the user's any more) with
        // // "refresh token revoked", one past its lifetime or idle time (settings) with "refresh token expired".
        // // The current token (counter == family.counter()) rotates: families.advance(..), then
        // // issue(user, family, id, counter + 1). Any older one is a reuse: revoke(user, id) and refuse
        // // "refresh token reused", unless it was replaced less than settings.reuseGrace() ago (then
        // // issue the current one without rotating).
        // throw new Todo("step 11: rotate the refresh token in RefreshTokens.refresh (steps/11-token-refresh/src/main/java/kata/RefreshTokens.java)");
        // END SOLUTION
    }

    /**
     * Logs out one login (the family of this token): its refresh token buys nothing more, its access tokens
     * prove nothing more, and its connections end, in every tab. Says how many connections ended here.
     */
    public int logout(SignedIn signedIn) {
        return revoke(signedIn.user(), signedIn.family(), "logged out");
    }

    /** Revokes a family: its refresh token, its access tokens (until the last has expired), its connections. */
    private int revoke(User user, String family, String reason) {
        // first where every node sees it (step 10: refused with 503 when Redis does not answer)
        revocations.revokeFamily(user.id(), family, clock.instant().plus(accessLifetime).plus(Tokens.CLOCK_SKEW));
        families.revoke(family);
        return sockets.end(user, signedIn -> family.equals(signedIn.family()), reason);
    }

    private Issued issue(User user, Family family, String id, long counter) {
        return new Issued(tokens.sign(user, family.stamp(), id), text(id, counter));
    }

    private String text(String family, long counter) {
        String signed = family + "." + counter;
        return signed + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(macKey, signed));
    }

    private static byte[] mac(SecretKey key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
