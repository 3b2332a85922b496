package kata;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import kata.Revocations.Entry;
import org.redisson.api.RAtomicLong;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.RTopic;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.ScoredEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 09's logout, on every node: a token revoked on one node is refused on all of them, and the
 * connections it opened end wherever they are. Each node keeps its own copy of the revocations (a token
 * is checked on every request and handshake: no Redis round trip there), and the nodes keep their
 * copies equal through Redis:
 * <ul>
 * <li>a node that revokes stores the revocation in Redis, in a sorted set scored with the moment it can
 * be forgotten ({@code kata:revoked:tokens}: "userId tokenId", scored with the token's expiry;
 * {@code kata:revoked:users}: "userId", scored with the moment of the "everywhere"), then publishes it
 * on the topic {@code kata:revoked};</li>
 * <li>every node that hears it remembers it and ends that user's connections that it revokes;</li>
 * <li>every node reads both sets when it starts, and again whenever they changed, which it asks every
 * {@link #SYNC} ({@code kata:revoked:version}, a random number drawn anew at each change; one small read when
 * nothing changed): so a
 * node that was cut off from Redis, or a revocation made while Redis was away, catches up within that
 * time once Redis answers.</li>
 * </ul>
 */
public final class SharedRevocations implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedRevocations.class);

    /** How often each node writes what it could not, and reads what it may have missed. */
    static final Duration SYNC = Duration.ofSeconds(1);

    private static final String TOPIC = "kata:revoked";
    private static final String TOKENS = "kata:revoked:tokens";
    private static final String USERS = "kata:revoked:users";
    private static final String VERSION = "kata:revoked:version";

    private final RedisAdapter adapter;
    private final Revocations revocations;
    private final SocketServer sockets;
    private final Users users;
    private final Clock clock;
    private final Duration lifetime;
    /** What this node revoked and could not write to Redis yet. */
    private final Set<Entry> unwritten = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean syncing = new AtomicBoolean();
    /** The version of the sets when this node last read them. */
    private volatile long pulled;
    private final ScheduledExecutorService timer;

    public SharedRevocations(RedisAdapter adapter, Revocations revocations, SocketServer sockets, Users users, Clock clock, Duration lifetime) {
        this.adapter = adapter;
        this.revocations = revocations;
        this.sockets = sockets;
        this.users = users;
        this.clock = clock;
        this.lifetime = lifetime;
        // listen first, then read what is there: nothing published in between is missed
        topic().addListener(String.class, (channel, message) -> heard(message));
        revocations.onRevoke(this::revoked);
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "revocations-sync");
            thread.setDaemon(true);
            return thread;
        });
        // what the others revoked before this node started: read now, before it serves anyone
        pulled = pull();
        timer.scheduleWithFixedDelay(this::sync, SYNC.toMillis(), SYNC.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** This node revoked a token (or all of a user's): the other nodes must hear of it. */
    private void revoked(Entry entry) {
        unwritten.add(entry);
        adapter.write("revocation", () -> publish(entry));
    }

    private void publish(Entry entry) {
        // TODO step 10: store(entry) in Redis, then publish format(entry) on topic(), then drop it from
        // `unwritten`. (If Redis fails, the exception leaves it there, and sync() tries again.)
    }

    /** Another node's revocation (or this node's own, which is no news here). */
    private void heard(String message) {
        Entry entry;
        try {
            entry = parse(message);
        } catch (RuntimeException e) {
            LOG.warn("ignored a revocation that does not parse: {}", e.toString());
            return;
        }
        apply(entry);
    }

    /** Remembers a revocation and, if it is news, ends the connections here that it revokes. */
    private void apply(Entry entry) {
        // TODO step 10: remember the entry in `revocations`; if it is news, end this user's connections here
        // that it revokes: sockets.end(user, revocations::isRevoked, "logged out") (users.byId finds the user).
    }

    /** Writes what could not be written, then reads both sets and applies what is news. */
    private void sync() {
        if (!syncing.compareAndSet(false, true)) {
            return;
        }
        adapter.write("revocations sync", () -> {
            try {
                for (Entry entry : unwritten) {
                    publish(entry);
                }
                if (version().get() != pulled) {
                    pulled = pull();
                }
            } finally {
                syncing.set(false);
            }
        });
    }

    /** Reads both sets, and applies what is news; gives the version read before them. */
    private long pull() {
        long version = version().get();
        double now = clock.millis();
        for (ScoredEntry<String> token : tokens().entryRange(now, false, Double.POSITIVE_INFINITY, true)) {
            String[] parts = token.getValue().split(" ", 2);
            apply(new Entry(Integer.parseInt(parts[0]), parts[1], Instant.ofEpochMilli(token.getScore().longValue())));
        }
        Collection<ScoredEntry<String>> cutoffs = usersSet().entryRange(now - lifetime.plusSeconds(1).toMillis(), false, Double.POSITIVE_INFINITY, true);
        for (ScoredEntry<String> cutoff : cutoffs) {
            apply(Entry.everywhere(Integer.parseInt(cutoff.getValue()), Instant.ofEpochMilli(cutoff.getScore().longValue())));
        }
        return version;
    }

    private void store(Entry entry) {
        long now = clock.millis();
        if (entry.isEverywhere()) {
            RScoredSortedSet<String> cutoffs = usersSet();
            cutoffs.addIfGreater(entry.at().toEpochMilli(), String.valueOf(entry.userId()));
            cutoffs.removeRangeByScore(Double.NEGATIVE_INFINITY, true, now - lifetime.plusSeconds(1).toMillis(), true);
            cutoffs.expire(lifetime.plusSeconds(1));
        } else {
            RScoredSortedSet<String> revoked = tokens();
            revoked.add(entry.at().toEpochMilli(), entry.userId() + " " + entry.tokenId());
            revoked.removeRangeByScore(Double.NEGATIVE_INFINITY, true, now, true);
            // every token expires within a lifetime: so does the set, once nobody adds to it
            revoked.expire(lifetime.plusSeconds(1));
        }
        // random rather than counted: a Redis restarted empty cannot come back to a version a node has seen
        version().set(ThreadLocalRandom.current().nextLong());
    }

    static String format(Entry entry) {
        return entry.isEverywhere()
                ? "user " + entry.userId() + " " + entry.at().toEpochMilli()
                : "token " + entry.userId() + " " + entry.tokenId() + " " + entry.at().toEpochMilli();
    }

    static Entry parse(String message) {
        String[] parts = message.split(" ");
        if (parts[0].equals("user") && parts.length == 3) {
            return Entry.everywhere(Integer.parseInt(parts[1]), Instant.ofEpochMilli(Long.parseLong(parts[2])));
        }
        if (parts[0].equals("token") && parts.length == 4) {
            return new Entry(Integer.parseInt(parts[1]), parts[2], Instant.ofEpochMilli(Long.parseLong(parts[3])));
        }
        throw new IllegalArgumentException("not a revocation: " + message.length() + " characters");
    }

    private RTopic topic() {
        return adapter.redis().getTopic(TOPIC, StringCodec.INSTANCE);
    }

    private RAtomicLong version() {
        return adapter.redis().getAtomicLong(VERSION);
    }

    private RScoredSortedSet<String> tokens() {
        return adapter.redis().getScoredSortedSet(TOKENS, StringCodec.INSTANCE);
    }

    private RScoredSortedSet<String> usersSet() {
        return adapter.redis().getScoredSortedSet(USERS, StringCodec.INSTANCE);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
