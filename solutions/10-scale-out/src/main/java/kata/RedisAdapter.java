package kata;

import com.corundumstudio.socketio.handler.AuthorizeHandler;
import com.corundumstudio.socketio.namespace.NamespacesHub;
import com.corundumstudio.socketio.protocol.JsonSupport;
import com.corundumstudio.socketio.store.MemoryStore;
import com.corundumstudio.socketio.store.RedissonStoreFactory;
import com.corundumstudio.socketio.store.Store;
import com.corundumstudio.socketio.store.pubsub.PubSubListener;
import com.corundumstudio.socketio.store.pubsub.PubSubMessage;
import com.corundumstudio.socketio.store.pubsub.PubSubStore;
import com.corundumstudio.socketio.store.pubsub.PubSubType;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import kata.plumbing.RemoteBroadcasts;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.config.ConstantDelay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's link to the other nodes, through Redis: the Java counterpart of Node's
 * {@code @socket.io/redis-adapter}. It is netty-socketio's own {@link RedissonStoreFactory}, which
 * publishes room broadcasts on Redis and replays the other nodes' ones here, with these changes:
 * <ul>
 * <li>only room broadcasts cross nodes. The library also publishes every join and leave of a room,
 * every connect and every disconnect (JOIN, LEAVE, BULK_JOIN, BULK_LEAVE, CONNECT, DISCONNECT), and every
 * node copies the other nodes' session ids into its own room maps, where nothing uses them (a room lists
 * this node's clients only) and a dead node's stay: 3 to 7 messages per connection, to every node. Here
 * they are neither published nor listened to: a node needs to know no other node's connections;</li>
 * <li>a connection's own data (its user) stays in this node's memory, where the connection is:
 * RedissonStore would read Redis on every event, and never deletes a closed connection's hash;</li>
 * <li>publishing never blocks nor throws where netty-socketio publishes (a Netty thread, an HTTP
 * request): broadcasts go out in order from a {@link RedisWriter} of their own, and a Redis that does not
 * answer costs the other nodes these messages, never this node its local connections;</li>
 * <li>every key and channel starts with a prefix ({@code REDIS_PREFIX}, {@code kata:} by default), so that
 * two apps can share one Redis: the library names its channels after the message type alone
 * ({@code dispatch}); here it is {@code kata:dispatch};</li>
 * <li>the node's id is 64 random bits. The library draws it as {@code (long) (Math.random() * 1e6)}, a
 * million values, in a private field of {@code BaseStoreFactory}'s constructor, and drops any message
 * that carries its own id: two nodes (of one app, or of two apps on one Redis) that drew the same id
 * would never hear each other. That field cannot be replaced from a subclass, so the store that
 * publishes here is this class's own, and the library's (built by RedissonStoreFactory's constructor,
 * with the short id) is never used.</li>
 * </ul>
 */
public final class RedisAdapter extends RedissonStoreFactory {

    private static final Logger LOG = LoggerFactory.getLogger(RedisAdapter.class);

    /** How long one Redis command may take before it counts as a failure. */
    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(1000);

    /** Commands that wait in each writer while Redis is slow; more are dropped (counted, and logged as a full queue). */
    static final int WAITING_COMMANDS = 10_000;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final RedissonClient redis;
    private final String url;
    private final String prefix;
    private final long nodeId = RANDOM.nextLong();
    private final String node = HexFormat.of().toHexDigits(nodeId);
    private final Outage outage;
    private final Duration outageLogInterval;
    private final List<RedisWriter> writers = new CopyOnWriteArrayList<>();
    private final RedisWriter publishing;
    private final PubSubStore broadcasts;
    private volatile NamespacesHub namespaces;

    private RedisAdapter(RedissonClient redis, String url, String prefix, Duration outageLogInterval) {
        super(redis);
        this.redis = redis;
        this.url = url;
        this.prefix = prefix;
        this.outageLogInterval = outageLogInterval;
        this.outage = new Outage(Config.shown(url), outageLogInterval, Clock.systemUTC());
        this.publishing = writer("publishing");
        // a bug of netty-socketio 2.0.14 (a broadcast from another node garbled for polling clients): plumbing/
        this.broadcasts = new RemoteBroadcasts(new Broadcasts(), () -> namespaces);
    }

    /**
     * Connects to the Redis at {@code url} (REDIS_URL, e.g. redis://127.0.0.1:6379), or says clearly
     * why it cannot: a node that cannot reach the others must not start as if it were alone.
     */
    public static RedisAdapter connect(String url, String prefix, Duration outageLogInterval) {
        // BEGIN SOLUTION
        // Redisson's Config, not the app's
        org.redisson.config.Config config = new org.redisson.config.Config();
        config.useSingleServer()
                .setAddress(url)
                .setConnectTimeout((int) COMMAND_TIMEOUT.toMillis())
                .setTimeout((int) COMMAND_TIMEOUT.toMillis())
                // fail fast: a caller that waits for Redis is a caller that does not serve
                .setRetryAttempts(1)
                .setRetryDelay(new ConstantDelay(Duration.ofMillis(200)))
                // notice a dead connection within a second, and try again every second
                .setPingConnectionInterval(1000)
                .setReconnectionDelay(new ConstantDelay(Duration.ofSeconds(1)))
                .setConnectionMinimumIdleSize(2)
                .setConnectionPoolSize(8)
                .setSubscriptionConnectionMinimumIdleSize(1);
        try {
            return new RedisAdapter(Redisson.create(config), url, prefix, outageLogInterval);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot reach Redis at " + Config.shown(url) + " (REDIS_URL): " + reason(e)
                    + ". Start it (redis-server --port <port>), or unset REDIS_URL to run one node alone.", e);
        }
        // STUB
        // // Build a Redisson config (org.redisson.config.Config: `Config` alone is the app's own class) for
        // // one server at this url, with short timeouts (COMMAND_TIMEOUT), and return
        // // new RedisAdapter(Redisson.create(config), url, prefix, outageLogInterval). When Redis cannot be reached,
        // // throw an IllegalStateException that names the url and REDIS_URL.
        // throw new Todo("step 10: connect to Redis in RedisAdapter.connect (steps/10-scale-out/src/main/java/kata/RedisAdapter.java)");
        // END SOLUTION
    }

    /**
     * The innermost reason of a failure, in a few words: without the wrappers' class names, and only
     * the first sentence of Redisson's long ones ("Unable to write command into connection").
     */
    static String reason(Throwable e) {
        String reason = String.valueOf(e.getMessage());
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !cause.getMessage().contains("Exception")) {
                reason = cause.getMessage();
            }
        }
        int end = reason.length();
        for (String stop : new String[] {"!", ". ", ", "}) {
            int at = reason.indexOf(stop);
            if (at > 0 && at < end) {
                end = at;
            }
        }
        return reason.substring(0, end);
    }

    /** The Redisson client: for what the nodes share beyond rooms (presence, revocations). */
    public RedissonClient redis() {
        return redis;
    }

    /** This node's id, 64 random bits in hex: in its log lines and in what it writes to Redis. */
    public String node() {
        return node;
    }

    /** The name of a key or channel of this app in Redis: {@code key("revoked")} is {@code kata:revoked}. */
    public String key(String name) {
        return prefix + name;
    }

    /** The Redis URL, without its password if it has one. */
    public String url() {
        return Config.shown(url);
    }

    public Outage outage() {
        return outage;
    }

    /** A writer of its own for one purpose (e.g. "presence"): nothing else queues in front of it. */
    public RedisWriter writer(String purpose) {
        RedisWriter writer = new RedisWriter(purpose, redis, outage, WAITING_COMMANDS, COMMAND_TIMEOUT, outageLogInterval, Clock.systemUTC());
        writers.add(writer);
        return writer;
    }

    @Override
    public void init(NamespacesHub namespacesHub, AuthorizeHandler authorizeHandler, JsonSupport jsonSupport) {
        this.namespaces = namespacesHub;
        super.init(namespacesHub, authorizeHandler, jsonSupport);
    }

    @Override
    public Store createStore(UUID sessionId) {
        return new MemoryStore();
    }

    @Override
    public PubSubStore pubSubStore() {
        return broadcasts;
    }

    @Override
    public <K, V> Map<K, V> createMap(String name) {
        return redis.getMap(key(name));
    }

    @Override
    public void shutdown() {
        // what the closed connections left to say (leases given up) goes out first, if Redis answers soon
        for (RedisWriter writer : writers) {
            writer.close(COMMAND_TIMEOUT);
        }
        if (!redis.isShuttingDown()) {
            redis.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    /**
     * RedissonPubSubStore, for room broadcasts only (DISPATCH): the other types are dropped here, neither
     * published nor listened to. Channels carry the prefix, messages this node's 64-bit id.
     */
    private final class Broadcasts implements PubSubStore {
        private final Map<PubSubType, List<Integer>> listeners = new ConcurrentHashMap<>();

        @Override
        public void publish(PubSubType type, PubSubMessage message) {
            if (type != PubSubType.DISPATCH) {
                return;
            }
            message.setNodeId(nodeId);
            String channel = channel(type);
            publishing.submit("a broadcast", batch -> batch.getTopic(channel).publishAsync(message));
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T extends PubSubMessage> void subscribe(PubSubType type, PubSubListener<T> listener, Class<T> messageClass) {
            if (type != PubSubType.DISPATCH) {
                return;
            }
            int id = redis.getTopic(channel(type)).addListener(PubSubMessage.class, (channel, message) -> {
                // this node's own broadcast: its connections have it already
                if (message.getNodeId() == null || message.getNodeId() != nodeId) {
                    listener.onMessage((T) message);
                }
            });
            listeners.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>()).add(id);
        }

        @Override
        public void unsubscribe(PubSubType type) {
            List<Integer> ids = listeners.remove(type);
            if (ids != null) {
                redis.getTopic(channel(type)).removeListener(ids.toArray(Integer[]::new));
            }
        }

        @Override
        public void shutdown() {
        }

        private String channel(PubSubType type) {
            return key(type.toString());
        }
    }

    /**
     * Whether Redis answers, as the last command found out; says so in the log once per interval
     * while it does not (never a stack trace per command), and once when it is back.
     */
    public static final class Outage {
        private final String url;
        private final Duration interval;
        private final Clock clock;
        private volatile boolean down;
        private Instant lastLogged = Instant.MIN;
        private int failures;

        Outage(String url, Duration interval, Clock clock) {
            this.url = url;
            this.interval = interval;
            this.clock = clock;
        }

        public boolean isDown() {
            return down;
        }

        public synchronized void failed(String what, Exception e) {
            down = true;
            failures++;
            Instant now = clock.instant();
            if (lastLogged == Instant.MIN || !now.isBefore(lastLogged.plus(interval))) {
                LOG.warn("Redis at {} does not answer ({} failed: {}; {} failure(s) since the line before). This node serves its own"
                        + " connections; the other nodes miss its events and its presence until Redis is back.",
                        url, what, reason(e), failures);
                lastLogged = now;
                failures = 0;
            }
        }

        public synchronized void succeeded() {
            if (down) {
                down = false;
                lastLogged = Instant.MIN;
                failures = 0;
                LOG.info("Redis at {} answers again", url);
            }
        }
    }
}
