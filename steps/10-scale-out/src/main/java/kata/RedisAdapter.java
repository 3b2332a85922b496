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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import kata.plumbing.RemoteBroadcasts;
import org.redisson.Redisson;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.ConstantDelay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's link to the other nodes, through Redis: the Java counterpart of Node's
 * {@code @socket.io/redis-adapter}. It is netty-socketio's own {@link RedissonStoreFactory}, which
 * publishes every room broadcast, join and leave on Redis and replays the other nodes' ones here,
 * with two changes:
 * <ul>
 * <li>a connection's own data (its user) stays in this node's memory, where the connection is:
 * RedissonStore would read Redis on every event, and never deletes a closed connection's hash;</li>
 * <li>publishing never blocks nor throws where netty-socketio publishes (a Netty thread, an HTTP
 * request): messages go out in order from one thread, and a Redis that does not answer costs the
 * other nodes these messages, never this node its local connections.</li>
 * </ul>
 */
public final class RedisAdapter extends RedissonStoreFactory {

    private static final Logger LOG = LoggerFactory.getLogger(RedisAdapter.class);

    /** How long one Redis command may take before it counts as a failure. */
    static final Duration COMMAND_TIMEOUT = Duration.ofMillis(1000);

    /** Messages that wait while Redis is slow; more are dropped (and counted in the log). */
    private static final int WAITING_MESSAGES = 10_000;

    private final RedissonClient redis;
    private final String url;
    private final String node = UUID.randomUUID().toString().substring(0, 8);
    private final PubSubStore published;
    private final ThreadPoolExecutor writer;
    private final Outage outage;
    private volatile NamespacesHub namespaces;

    private RedisAdapter(RedissonClient redis, String url, Duration outageLogInterval) {
        super(redis);
        this.redis = redis;
        this.url = url;
        this.outage = new Outage(Config.shown(url), outageLogInterval, Clock.systemUTC());
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(WAITING_MESSAGES), runnable -> {
            Thread thread = new Thread(runnable, "redis-writer");
            thread.setDaemon(true);
            return thread;
        });
        // a bug of netty-socketio 2.0.14 (a broadcast from another node garbled for polling clients): plumbing/
        this.published = new OrderedPubSub(new RemoteBroadcasts(super.pubSubStore(), () -> namespaces));
    }

    /**
     * Connects to the Redis at {@code url} (REDIS_URL, e.g. redis://127.0.0.1:6379), or says clearly
     * why it cannot: a node that cannot reach the others must not start as if it were alone.
     */
    public static RedisAdapter connect(String url, Duration outageLogInterval) {
        // Build a Redisson config (org.redisson.config.Config: `Config` alone is the app's own class) for
        // one server at this url, with short timeouts (COMMAND_TIMEOUT), and return
        // new RedisAdapter(Redisson.create(config), url, outageLogInterval). When Redis cannot be reached,
        // throw an IllegalStateException that names the url and REDIS_URL.
        throw new Todo("step 10: connect to Redis in RedisAdapter.connect (steps/10-scale-out/src/main/java/kata/RedisAdapter.java)");
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

    /** The Redisson client: for what the nodes share beyond rooms (presence). */
    public RedissonClient redis() {
        return redis;
    }

    /** A short name for this node, in its log lines and in what it writes to Redis. */
    public String node() {
        return node;
    }

    /** The Redis URL, without its password if it has one. */
    public String url() {
        return Config.shown(url);
    }

    public Outage outage() {
        return outage;
    }

    /** Runs a Redis command on the writer thread, in order with the messages; never blocks the caller. */
    public void write(String what, Runnable command) {
        try {
            writer.execute(() -> {
                try {
                    command.run();
                    outage.succeeded();
                } catch (RuntimeException e) {
                    outage.failed(what, e);
                }
            });
        } catch (RejectedExecutionException e) {
            outage.failed(what, new IllegalStateException(WAITING_MESSAGES + " messages already wait for Redis: this one is dropped"));
        }
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
        // the constructor of RedissonStoreFactory asks before this class has its own
        return published != null ? published : super.pubSubStore();
    }

    @Override
    public void shutdown() {
        // what the closed connections left to say (leaves, leases given up) goes out first, if Redis answers soon
        writer.shutdown();
        try {
            writer.awaitTermination(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.shutdownNow();
        if (!redis.isShuttingDown()) {
            redis.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }

    /** RedissonPubSubStore, publishing from the writer thread. */
    private final class OrderedPubSub implements PubSubStore {
        private final PubSubStore redisson;

        OrderedPubSub(PubSubStore redisson) {
            this.redisson = redisson;
        }

        @Override
        public void publish(PubSubType type, PubSubMessage message) {
            write("publish " + type, () -> redisson.publish(type, message));
        }

        @Override
        public <T extends PubSubMessage> void subscribe(PubSubType type, PubSubListener<T> listener, Class<T> messageClass) {
            redisson.subscribe(type, listener, messageClass);
        }

        @Override
        public void unsubscribe(PubSubType type) {
            redisson.unsubscribe(type);
        }

        @Override
        public void shutdown() {
            redisson.shutdown();
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
