package kata;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RedissonClient;

/**
 * This node's link to the other nodes through Redis, made by {@link RedisAdapter#connect}: what the rooms
 * ({@link RedisRooms}), presence and revocations need to share theirs. The Redisson client, the app's key
 * names ({@code REDIS_PREFIX}), this node's id, whether Redis answers, and writers that never make a
 * caller wait.
 */
public final class RedisLink {

    /** How long one Redis command may take before it counts as a failure. */
    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(1000);

    /** Commands that wait in each writer while Redis is slow; more are dropped (counted, and logged as a full queue). */
    static final int WAITING_COMMANDS = 10_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final RedissonClient redis;
    private final String prefix;
    private final long nodeId = RANDOM.nextLong();
    private final RedisOutage outage;
    private final Duration outageLogInterval;
    private final List<RedisWriter> writers = new CopyOnWriteArrayList<>();

    RedisLink(RedissonClient redis, String url, String prefix, Duration outageLogInterval) {
        this.redis = redis;
        this.prefix = prefix;
        this.outageLogInterval = outageLogInterval;
        this.outage = new RedisOutage(Config.shown(url), outageLogInterval, Clock.systemUTC());
    }

    /** The Redisson client: for what the nodes share beyond rooms (presence, revocations). */
    public RedissonClient client() {
        return redis;
    }

    /** This node's id, 64 random bits: in what it publishes, so that it can tell its own messages. */
    long nodeId() {
        return nodeId;
    }

    /** The same in hex: in its log lines and in what it writes to Redis. */
    public String node() {
        return HexFormat.of().toHexDigits(nodeId);
    }

    /** The name of a key or channel of this app in Redis: {@code key("revoked")} is {@code kata:revoked}. */
    public String key(String name) {
        return prefix + name;
    }

    public RedisOutage outage() {
        return outage;
    }

    /** A writer of its own for one purpose (e.g. "presence"): nothing else queues in front of it. */
    public RedisWriter writer(String purpose) {
        RedisWriter writer = new RedisWriter(purpose, redis, outage, WAITING_COMMANDS, COMMAND_TIMEOUT, outageLogInterval, Clock.systemUTC());
        writers.add(writer);
        return writer;
    }

    /** What the closed connections left to say (leases given up) goes out first, if Redis answers soon; then the client stops. */
    public void shutdown() {
        for (RedisWriter writer : writers) {
            writer.close(COMMAND_TIMEOUT);
        }
        if (!redis.isShuttingDown()) {
            redis.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
