package kata;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The tokens that no longer prove anything although they have not expired: the ones a user logged out
 * with (POST /logout), and all of a user's tokens issued before a "log out everywhere". A JWT carries
 * its own validity, so revoking one means remembering it, here in memory, until it would have expired
 * anyway: every entry lives no longer than the tokens it revokes, so the state stays bounded.
 *
 * <p>Step 10: with several nodes, each node keeps its own copy. What this node revokes goes to
 * {@link #onRevoke its listener} (which tells the other nodes); what another node revoked comes in
 * through {@link #add}.
 */
public final class Revocations {

    /**
     * One revocation: of one token ({@code tokenId}, until {@code at}, when it expires anyway), or, when
     * {@code tokenId} is null, of every token of the user issued up to {@code at}.
     */
    public record Entry(int userId, String tokenId, Instant at) {
        static Entry of(SignedIn signedIn) {
            return new Entry(signedIn.user().id(), signedIn.tokenId(), signedIn.expiresAt());
        }

        static Entry everywhere(int userId, Instant cutoff) {
            return new Entry(userId, null, cutoff);
        }

        public boolean isEverywhere() {
            return tokenId == null;
        }
    }

    private final Clock clock;
    private final Duration lifetime;
    /** Each revoked token's id, with its entry (its user, and the moment it expires anyway). */
    private final Map<String, Entry> tokens = new ConcurrentHashMap<>();
    /** Per user, the moment of their last "everywhere": tokens issued before it are revoked. */
    private final Map<Integer, Instant> everywhere = new ConcurrentHashMap<>();
    private volatile Consumer<Entry> onRevoke = entry -> { };

    /** {@code lifetime}: the longest a token lives, so the longest an "everywhere" must be remembered. */
    public Revocations(Clock clock, Duration lifetime) {
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** Revokes the token this user signed in with, until it expires. */
    public void revoke(SignedIn signedIn) {
        Entry entry = Entry.of(signedIn);
        add(entry);
        onRevoke.accept(entry);
    }

    /** Revokes every token issued to this user so far. */
    public void revokeAll(User user) {
        Entry entry = Entry.everywhere(user.id(), clock.instant());
        add(entry);
        onRevoke.accept(entry);
    }

    /** Remembers a revocation, made here or heard from another node; says whether it was news. */
    public synchronized boolean add(Entry entry) {
        // a known or a dead entry is no news, and costs no sweep (a node reads the others' revocations again and again)
        if (entry.isEverywhere()) {
            Instant before = everywhere.get(entry.userId());
            if (before != null && !entry.at().isAfter(before) || !isLive(entry.at())) {
                return false;
            }
            forgetExpired();
            everywhere.put(entry.userId(), entry.at());
            return true;
        }
        if (tokens.containsKey(entry.tokenId()) || !entry.at().isAfter(clock.instant())) {
            return false;
        }
        forgetExpired();
        tokens.put(entry.tokenId(), entry);
        return true;
    }

    /** Called with each revocation this node makes (not the ones it hears of): step 10 tells the other nodes. */
    public void onRevoke(Consumer<Entry> listener) {
        this.onRevoke = listener;
    }

    /** What is remembered now, for a node that must tell the others again. */
    public List<Entry> entries() {
        forgetExpired();
        List<Entry> entries = new ArrayList<>(tokens.values());
        everywhere.forEach((userId, cutoff) -> entries.add(Entry.everywhere(userId, cutoff)));
        return entries;
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

    /** Whether an "everywhere" of this moment can still matter: a token issued before it expires a lifetime (and a rounded second) after. */
    private boolean isLive(Instant cutoff) {
        return cutoff.plus(lifetime).plusSeconds(1).isAfter(clock.instant());
    }

    /** Drops what can no longer matter: a revoked token that has expired, an "everywhere" older than a lifetime. */
    private void forgetExpired() {
        Instant now = clock.instant();
        tokens.values().removeIf(entry -> !entry.at().isAfter(now));
        everywhere.values().removeIf(cutoff -> !isLive(cutoff));
    }
}
