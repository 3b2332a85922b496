package kata;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tokens that no longer prove anything although they have not expired: the ones a user logged out
 * with (POST /logout), and all of a user's tokens issued before a "log out everywhere". A JWT carries
 * its own validity, so revoking one means remembering it, here in memory, until it would have expired
 * anyway: every entry lives no longer than the tokens it revokes, so the state stays bounded.
 */
public final class Revocations {

    private final Clock clock;
    private final Duration lifetime;
    /** The id of each revoked token, with the moment it expires anyway. */
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    /** Per user, the moment of their last "everywhere": tokens issued before it are revoked. */
    private final Map<Integer, Instant> everywhere = new ConcurrentHashMap<>();

    /** {@code lifetime}: the longest a token lives, so the longest an "everywhere" must be remembered. */
    public Revocations(Clock clock, Duration lifetime) {
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** Revokes the token this user signed in with, until it expires. */
    public void revoke(SignedIn signedIn) {
        forgetExpired();
        tokens.put(signedIn.tokenId(), signedIn.expiresAt());
    }

    /** Revokes every token issued to this user so far. */
    public void revokeAll(User user) {
        forgetExpired();
        everywhere.put(user.id(), clock.instant());
    }

    public boolean isRevoked(SignedIn signedIn) {
        if (tokens.containsKey(signedIn.tokenId())) {
            return true;
        }
        Instant cutoff = everywhere.get(signedIn.user().id());
        // iat counts whole seconds: a token issued in the very second of the logout is void too
        return cutoff != null && (signedIn.issuedAt() == null || signedIn.issuedAt().getEpochSecond() <= cutoff.getEpochSecond());
    }

    /** How many entries are kept: a bound, checked by the tests. */
    public int size() {
        return tokens.size() + everywhere.size();
    }

    /** Drops what can no longer matter: a revoked token that has expired, an "everywhere" older than a lifetime. */
    private void forgetExpired() {
        Instant now = clock.instant();
        tokens.values().removeIf(expiresAt -> !expiresAt.isAfter(now));
        // a token issued before the cutoff has expired a lifetime (and a rounded second) after it
        everywhere.values().removeIf(cutoff -> !cutoff.plus(lifetime).plusSeconds(1).isAfter(now));
    }
}
