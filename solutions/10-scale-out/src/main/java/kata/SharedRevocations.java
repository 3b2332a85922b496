package kata;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import kata.Revocations.Entry;
import org.redisson.api.RScript;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 09's logout, on every node: a token revoked on one node is refused on all of them, and the
 * connections it opened end wherever they are. Each node keeps its own copy of the revocations (a token
 * is checked on every request and handshake: no Redis round trip there), and the nodes keep their
 * copies equal through Redis:
 * <ul>
 * <li>a logout is answered only once it is stored where every node will see it: one script, run by Redis
 * as one step, appends it to the log {@code kata:revocations} (a stream), forgets what is older than a
 * token's lifetime by Redis's own clock, keeps a new stamp in {@code kata:stamps} (a hash, one field per
 * user), and publishes it on {@code kata:revoked} (each name under the app's prefix, {@code kata:} by default). When Redis does not answer, the logout is refused
 * (503) and nothing changes: a logout answered 200 can no longer be lost with the node that made it;</li>
 * <li>every node that hears it remembers it and ends that user's connections it revokes;</li>
 * <li>every node reads the stamps and the whole log when it starts, before it serves anyone, then, every
 * {@link #SYNC}, the entries after the last one it read (one small read when nothing changed): a message
 * it missed arrives within that time. After Redis did not answer, it reads everything again.</li>
 * </ul>
 * Stamps are ordered by their place in the log, so two nodes that hear two "everywhere"s of one user in
 * different orders keep the same, last one.
 */
public final class SharedRevocations implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedRevocations.class);

    /** How often each node reads what it may have missed. */
    static final Duration SYNC = Duration.ofSeconds(1);

    /** How many entries of the log one read brings. */
    private static final int BATCH = 10_000;

    /**
     * KEYS: the log, the stamps. ARGV: the entry, the user if it is a stamp (else ""), how long an entry can
     * matter in ms, the topic. Appends, trims by Redis's clock, keeps the stamp, publishes "id entry".
     */
    private static final String STORE = """
            local id = redis.call('XADD', KEYS[1], '*', 'e', ARGV[1])
            local now = redis.call('TIME')
            redis.call('XTRIM', KEYS[1], 'MINID', tonumber(now[1]) * 1000 - tonumber(ARGV[3]))
            if ARGV[2] ~= '' then redis.call('HSET', KEYS[2], ARGV[2], id .. ' ' .. ARGV[1]) end
            redis.call('PUBLISH', ARGV[4], id .. ' ' .. ARGV[1])
            return id
            """;

    /** KEYS: the log. ARGV: where to start ("-", or "(" and the last id read), how many. Gives id, entry, id, entry... */
    private static final String READ = """
            local entries = redis.call('XRANGE', KEYS[1], ARGV[1], '+', 'COUNT', ARGV[2])
            local flat = {}
            for _, entry in ipairs(entries) do
              flat[#flat + 1] = entry[1]
              flat[#flat + 1] = entry[2][2]
            end
            return flat
            """;

    private final RedisAdapter adapter;
    /** The channel, the log and the stamps: kata:revoked, kata:revocations and kata:stamps with the default prefix. */
    private final String topic;
    private final String logKey;
    private final String stamps;
    private final Revocations revocations;
    private final SocketServer sockets;
    private final Users users;
    /** How long an entry of the log can matter: a token's lifetime, and the clocks' leeway. */
    private final Duration horizon;
    /** Per user, the place in the log of the stamp this node has: an older one heard later is ignored. */
    private final Map<Integer, LogId> stampIds = new ConcurrentHashMap<>();
    /** The last entry of the log read (not heard: messages may come in any order); null to read it all. */
    private volatile String lastRead;
    /** What this node is storing: its own message, when it comes back, is not applied a second time. */
    private final Set<Entry> storing = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    public SharedRevocations(RedisAdapter adapter, Revocations revocations, SocketServer sockets, Users users, Duration lifetime) {
        this.adapter = adapter;
        this.topic = adapter.key("revoked");
        this.logKey = adapter.key("revocations");
        this.stamps = adapter.key("stamps");
        this.revocations = revocations;
        this.sockets = sockets;
        this.users = users;
        this.horizon = lifetime.plus(Tokens.CLOCK_SKEW);
        // listen first, then read what is there: nothing published in between is missed
        adapter.redis().getTopic(topic, StringCodec.INSTANCE).addListener(String.class, (channel, message) -> heard(message));
        revocations.onRevoke(this::revoked);
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "revocations-sync");
            thread.setDaemon(true);
            return thread;
        });
        // what the others revoked before this node started: read now, before it serves anyone
        readAll();
        timer.scheduleWithFixedDelay(this::sync, SYNC.toMillis(), SYNC.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** This node revokes a token (or all of a user's): stored for every node first, or refused. */
    private void revoked(Entry entry) {
        // BEGIN SOLUTION
        String id;
        try {
            id = store(entry);
        } catch (RuntimeException e) {
            adapter.outage().failed("a logout", e);
            throw new HttpError(503, "the logout could not be stored: Redis does not answer. Try again");
        }
        // stored: now this node, which answers the logout; its own message, heard later, is no news
        apply(LogId.parse(id), entry, false);
        // STUB
        // // TODO step 10: store(entry) where every node sees it; it gives the entry's id in the log. When Redis
        // // fails (a RuntimeException), throw new HttpError(503, "...") and change nothing: a 200 promises that
        // // the other nodes will know. Then apply(LogId.parse(id), entry, false): this node remembers it, and LogoutRoute
        // // ends the connections here.
        // END SOLUTION
    }

    /** Another node's revocation (or this node's own, which is no news here). */
    private void heard(String message) {
        String[] idAndEntry = message.split(" ", 2);
        LogId id;
        Entry entry;
        try {
            id = LogId.parse(idAndEntry[0]);
            entry = parse(idAndEntry[1]);
        } catch (RuntimeException e) {
            LOG.warn("ignored a revocation that does not parse: {}", e.toString());
            return;
        }
        if (storing.remove(entry)) {
            // this node's own, heard before (or after) revoked(..) applied it: LogoutRoute ends its tabs here,
            // and counts them; ending them here too would tell them twice and leave the route nothing to count
            return;
        }
        apply(id, entry, true);
    }

    /**
     * Remembers a revocation, the {@code id}th of the log; if it is news and {@code endHere}, ends the
     * connections of this node that it revokes.
     */
    private void apply(LogId id, Entry entry, boolean endHere) {
        if (entry.isStamp() && !isNewestStamp(entry.userId(), id)) {
            return;
        }
        // BEGIN SOLUTION
        if (revocations.add(entry) && endHere) {
            users.byId(entry.userId()).ifPresent(user -> {
                int ended = sockets.end(user, revocations::isRevoked, "logged out");
                if (ended > 0) {
                    LOG.info("{} logged out on another node: {} connection(s) ended here", user.username(), ended);
                }
            });
        }
        // STUB
        // // TODO step 10: remember the entry in `revocations`; if it is news and endHere, end this user's
        // // connections here that it revokes: sockets.end(user, revocations::isRevoked, "logged out")
        // // (users.byId finds the user).
        // END SOLUTION
    }

    /** Whether this stamp comes after the one this node has for the user (and keeps its place if so). */
    private boolean isNewestStamp(int userId, LogId id) {
        boolean[] newest = {false};
        stampIds.compute(userId, (user, known) -> {
            newest[0] = known == null || id.isAfter(known);
            return newest[0] ? id : known;
        });
        return newest[0];
    }

    /** Reads what was added to the log since the last read; everything, after Redis failed to answer. */
    private void sync() {
        try {
            if (lastRead == null) {
                readAll();
            } else {
                readFrom("(" + lastRead);
            }
            adapter.outage().succeeded();
        } catch (RuntimeException e) {
            // what this node missed meanwhile may have left the log (a stamp stays in the stamps): read it all
            lastRead = null;
            adapter.outage().failed("revocations sync", e);
        }
    }

    /** The stamps, then the whole log. */
    private void readAll() {
        Map<String, String> known = adapter.redis().<String, String>getMap(stamps, StringCodec.INSTANCE).readAllMap();
        for (String message : known.values()) {
            heard(message);
        }
        readFrom("-");
    }

    private void readFrom(String start) {
        List<String> flat;
        do {
            flat = adapter.redis().getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_ONLY, READ, RScript.ReturnType.MULTI,
                    List.of(logKey), start, String.valueOf(BATCH));
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                heard(flat.get(i) + " " + flat.get(i + 1));
                lastRead = flat.get(i);
            }
            start = "(" + lastRead;
        } while (flat.size() == 2 * BATCH);
    }

    /** Stores one revocation for every node, as one step of Redis; gives its id in the log. */
    private String store(Entry entry) {
        String text = format(entry);
        // its own message may come back before this returns: heard(..) leaves it to revoked(..)
        storing.add(entry);
        try {
            return adapter.redis().getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, STORE, RScript.ReturnType.VALUE,
                    List.of(logKey, stamps), text, entry.isStamp() ? String.valueOf(entry.userId()) : "",
                    String.valueOf(horizon.toMillis()), topic);
        } catch (RuntimeException e) {
            storing.remove(entry);
            throw e;
        }
    }

    static String format(Entry entry) {
        return entry.isStamp()
                ? "stamp " + entry.userId() + " " + entry.stamp()
                : "token " + entry.userId() + " " + entry.expiresAt().toEpochMilli() + " " + entry.tokenId();
    }

    static Entry parse(String text) {
        String[] parts = text.split(" ", 4);
        if (parts[0].equals("stamp") && parts.length == 3) {
            return Entry.stamp(Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
        }
        if (parts[0].equals("token") && parts.length == 4) {
            return new Entry(Integer.parseInt(parts[1]), parts[3], Instant.ofEpochMilli(Long.parseLong(parts[2])), 0);
        }
        throw new IllegalArgumentException("not a revocation: " + text.length() + " characters");
    }

    /** The place of an entry in the log: Redis's milliseconds, then a sequence number. */
    record LogId(long millis, long sequence) {
        static LogId parse(String id) {
            int dash = id.indexOf('-');
            return new LogId(Long.parseLong(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1)));
        }

        boolean isAfter(LogId other) {
            return millis != other.millis ? millis > other.millis : sequence > other.sequence;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
