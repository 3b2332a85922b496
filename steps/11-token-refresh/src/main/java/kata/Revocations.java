package kata;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The tokens that no longer prove anything although they have not expired: the ones a user logged out
 * with (POST /logout), and all of a user's tokens issued before a "log out everywhere".
 *
 * <p>A JWT carries its own validity, so revoking one means remembering it, by its id ({@code jti}, never
 * its text: one token has several spellings), until it would have expired anyway: every entry lives no
 * longer than the token it revokes, so the state stays bounded by the logouts of one token lifetime.
 *
 * <p>"Everywhere" needs no list of tokens and no clock: each user has a <em>stamp</em>, a number that
 * every token of theirs carries from /login. Logging out everywhere draws a new stamp; a token that
 * carries another stamp than its user's is void. One number per user, kept as long as the user exists
 * (in a real app, a column of the users table). No clock is compared, so nodes whose clocks differ
 * agree on it.
 *
 * <p>Costs: a check is two hash lookups; a revocation adds to a map and to a queue ordered by expiry,
 * O(log n), and forgets the entries at the head of the queue that have expired, each once: never a sweep
 * of them all.
 *
 * <p>Step 10: with several nodes, each node keeps its own copy. A revocation made here goes to
 * {@link #onRevoke the store of all nodes} first, which remembers it here once it is stored; what another
 * node revoked comes in through {@link #add}.
 */
public final class Revocations {

    /** A user who never logged out everywhere has this stamp. */
    public static final long FIRST_STAMP = 0;

    /** How a revoked family (step 11) is named among the revoked token ids, which are UUIDs. */
    private static final String FAMILY = "family:";

    /**
     * One revocation: of one token ({@code tokenId}, until {@code expiresAt}, when it expires anyway), or,
     * when {@code tokenId} is null, the new {@code stamp} of a user who logged out everywhere.
     */
    public record Entry(int userId, String tokenId, Instant expiresAt, long stamp) {
        static Entry token(SignedIn signedIn) {
            return new Entry(signedIn.user().id(), signedIn.tokenId(), signedIn.expiresAt(), 0);
        }

        static Entry stamp(int userId, long stamp) {
            return new Entry(userId, null, null, stamp);
        }

        public boolean isStamp() {
            return tokenId == null;
        }
    }

    private final Clock clock;
    /** The id of each revoked token, with the moment it expires anyway. */
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    /** The same entries, the first to expire at the head. Guarded by {@code this}. */
    private final PriorityQueue<Map.Entry<String, Instant>> byExpiry = new PriorityQueue<>(Map.Entry.comparingByValue(Comparator.naturalOrder()));
    /** Per user who logged out everywhere, the stamp their tokens must carry now. */
    private final Map<Integer, Long> stamps = new ConcurrentHashMap<>();
    /** Where a revocation made on this node goes: by default, straight into this node's memory. */
    private volatile Consumer<Entry> onRevoke = this::add;

    public Revocations(Clock clock) {
        this.clock = clock;
    }

    /** Revokes the token this user signed in with, until it expires. */
    public void revoke(SignedIn signedIn) {
        onRevoke.accept(Entry.token(signedIn));
    }

    /**
     * Revokes every access token of one login (step 11: its refresh token was used twice, or it logged
     * out), until {@code until}, when the last of them has expired anyway.
     */
    public void revokeFamily(int userId, String family, Instant until) {
        // to the millisecond, as the log between nodes writes it (step 10): the entry read back is the same entry
        onRevoke.accept(new Entry(userId, FAMILY + family, until.truncatedTo(ChronoUnit.MILLIS), 0));
    }

    /** Revokes every token issued to this user so far. */
    public void revokeAll(User user) {
        onRevoke.accept(Entry.stamp(user.id(), newStamp(stampOf(user))));
    }

    /**
     * Step 10: each revocation this node makes goes to {@code store} instead, which stores it where every
     * node sees it and then {@link #add}s it here; when it cannot, it throws, and nothing changes.
     */
    public void onRevoke(Consumer<Entry> store) {
        this.onRevoke = store;
    }

    /** Remembers a revocation, made here or heard from another node; says whether it was news. */
    public boolean add(Entry entry) {
        if (entry.isStamp()) {
            Long before = stamps.put(entry.userId(), entry.stamp());
            return before == null || before != entry.stamp();
        }
        forgetExpired();
        return remember(entry.tokenId(), entry.expiresAt());
    }

    public boolean isRevoked(SignedIn signedIn) {
        return tokens.containsKey(signedIn.tokenId()) || signedIn.stamp() != stampOf(signedIn.user())
                || signedIn.family() != null && isFamilyRevoked(signedIn.family());
    }

    /** Whether every token of this login was revoked. */
    public boolean isFamilyRevoked(String family) {
        return tokens.containsKey(FAMILY + family);
    }

    /** The stamp that /login writes into this user's new tokens. */
    public long stampOf(User user) {
        return stamps.getOrDefault(user.id(), FIRST_STAMP);
    }

    /** How many revoked tokens are remembered: a bound, checked by the tests. */
    public int size() {
        return tokens.size();
    }

    /** A random stamp, never the one it replaces: the old tokens must not come back. */
    static long newStamp(long old) {
        long stamp;
        do {
            stamp = ThreadLocalRandom.current().nextLong();
        } while (stamp == old || stamp == FIRST_STAMP);
        return stamp;
    }

    /** Remembers a revoked token until it expires; says whether it was news. */
    synchronized boolean remember(String tokenId, Instant expiresAt) {
        if (!expiresAt.isAfter(clock.instant()) || tokens.putIfAbsent(tokenId, expiresAt) != null) {
            return false;
        }
        byExpiry.add(Map.entry(tokenId, expiresAt));
        return true;
    }

    /** Drops the revoked tokens that have expired: from the head of the queue, each once. */
    synchronized void forgetExpired() {
        Instant now = clock.instant();
        while (!byExpiry.isEmpty() && !byExpiry.peek().getValue().isAfter(now)) {
            tokens.remove(byExpiry.poll().getKey());
        }
    }
}
