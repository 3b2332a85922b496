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
 * The revocations of every node, in Redis: a log that {@link SharedRevocations} appends to and reads.
 * <ul>
 * <li>{@link #store} runs one script, which Redis runs as one step: it appends the revocation to the log
 * {@code kata:revocations} (a stream), forgets what is older than {@code horizon} by Redis's own clock,
 * keeps a user's new stamp in {@code kata:stamps} (a hash, one field per user: a stamp must outlive the
 * log), and publishes it on {@code kata:revoked} (each name under the app's prefix);</li>
 * <li>every node hears what is published, each entry with its place in the log; this node's own
 * entries, which it has applied already, are not handed over again;</li>
 * <li>{@link #start} reads the stamps and the whole log (a node that starts), then, at intervals, the
 * entries after the last one read: one small read when nothing changed. After a read failed, the next
 * one reads everything again: what was missed meanwhile may have left the log.</li>
 * </ul>
 */
final class RevocationLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RevocationLog.class);

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

    /** Where an entry goes once heard or read. */
    @FunctionalInterface
    interface Listener {
        void heard(LogId id, Entry entry);
    }

    private final RedisLink redis;
    private final String topic;
    private final String logKey;
    private final String stamps;
    private final Duration horizon;
    private final Listener listener;
    /** The last entry of the log read (not heard: messages may come in any order); null to read it all. */
    private volatile String lastRead;
    /** What this node is storing and applying itself: its own entry, heard back or read meanwhile, is not handed over. */
    private final Set<Entry> storing = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "revocations-sync");
        thread.setDaemon(true);
        return thread;
    });

    /** {@code horizon}: how long an entry can matter (a token's lifetime, and the clocks' leeway). Listens at once. */
    RevocationLog(RedisLink redis, Duration horizon, Listener listener) {
        this.redis = redis;
        this.topic = redis.key("revoked");
        this.logKey = redis.key("revocations");
        this.stamps = redis.key("stamps");
        this.horizon = horizon;
        this.listener = listener;
        // listen first, then read what is there: nothing published in between is missed
        redis.client().getTopic(topic, StringCodec.INSTANCE).addListener(String.class, (channel, message) -> heard(message));
    }

    /**
     * Stores one revocation for every node, as one step of Redis; gives its place in the log. Throws when Redis
     * fails. Until {@link #applied} says this node has applied it, its echo and its reads are dropped.
     */
    LogId store(Entry entry) {
        // its own message may come back before this returns, and a sync may read it: heard(..) drops them
        storing.add(entry);
        try {
            String id = redis.client().getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, STORE, RScript.ReturnType.VALUE,
                    List.of(logKey, stamps), format(entry), entry.isStamp() ? String.valueOf(entry.userId()) : "",
                    String.valueOf(horizon.toMillis()), topic);
            return LogId.parse(id);
        } catch (RuntimeException e) {
            storing.remove(entry);
            throw e;
        }
    }

    /**
     * Reads the stamps and the whole log now (a node that starts, before it serves anyone), then, every
     * {@code every}, what was added since: a message this node missed arrives within that time.
     */
    void start(Duration every) {
        readAll();
        timer.scheduleWithFixedDelay(() -> {
            try {
                readNew();
                redis.outage().succeeded();
            } catch (RuntimeException e) {
                redis.outage().failed("revocations sync", e);
            }
        }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** This node has applied its own entry: heard again later, it is no news ({@code Revocations.add} says so). */
    void applied(Entry entry) {
        storing.remove(entry);
    }

    /** The stamps, then the whole log. */
    private void readAll() {
        Map<String, String> known = redis.client().<String, String>getMap(stamps, StringCodec.INSTANCE).readAllMap();
        for (String message : known.values()) {
            heard(message);
        }
        readFrom("-");
    }

    /** What was added to the log since the last read; everything, after a read that failed. Throws when Redis fails. */
    private void readNew() {
        try {
            if (lastRead == null) {
                readAll();
            } else {
                readFrom("(" + lastRead);
            }
        } catch (RuntimeException e) {
            lastRead = null;
            throw e;
        }
    }

    private void readFrom(String start) {
        List<String> flat;
        do {
            flat = redis.client().getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_ONLY, READ, RScript.ReturnType.MULTI,
                    List.of(logKey), start, String.valueOf(BATCH));
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                heard(flat.get(i) + " " + flat.get(i + 1));
                lastRead = flat.get(i);
            }
            start = "(" + lastRead;
        } while (flat.size() == 2 * BATCH);
    }

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
        if (storing.contains(entry)) {
            // this node's own, heard or read while it applies it itself
            return;
        }
        listener.heard(id, entry);
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
