package kata;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.redisson.api.BatchOptions;
import org.redisson.api.RBatch;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread of this node that writes to Redis for one purpose (room broadcasts, presence), so that
 * none of them waits behind another, and none of their callers (a Netty thread, an HTTP request) waits
 * for Redis. Commands go out in the order they were given, and all those that waited meanwhile go in
 * one pipelined batch: one round trip, however many there are.
 *
 * <p>Its queue is bounded. When Redis is slower than this node's traffic, what does not fit is dropped:
 * counted, and logged as a full queue (once per interval), which is not an outage. An outage is a
 * command that Redis did not answer: {@link RedisOutage} says so.
 */
public final class RedisWriter {

    private static final Logger LOG = LoggerFactory.getLogger(RedisWriter.class);

    /** At most this many queued commands in one batch: a round trip of a few hundred KB at most. */
    static final int BATCH = 1_000;

    /** What one queued command adds to the batch it goes out in. */
    @FunctionalInterface
    public interface Command {
        void addTo(RBatch batch);
    }

    private record Queued(String what, Command command) {
    }

    private final String name;
    private final RedissonClient redis;
    private final RedisOutage outage;
    private final BlockingQueue<Queued> queue;
    private final int capacity;
    private final BatchOptions options;
    private final Duration logInterval;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean closing;
    private long dropped;
    private long droppedSinceLine;
    private Instant lastLogged = Instant.MIN;

    RedisWriter(String name, RedissonClient redis, RedisOutage outage, int capacity, Duration timeout, Duration logInterval,
            Clock clock) {
        this.name = name;
        this.redis = redis;
        this.outage = outage;
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
        // sent once (a retry after a timeout could deliver a broadcast twice), answered within the timeout
        this.options = BatchOptions.defaults().responseTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).retryAttempts(0);
        this.logInterval = logInterval;
        this.clock = clock;
        this.thread = new Thread(this::run, "redis-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues a command; never blocks. False when the queue is full: the command is dropped, counted,
     * and said in the log once per interval.
     */
    public boolean submit(String what, Command command) {
        if (!closing && queue.offer(new Queued(what, command))) {
            return true;
        }
        full(what);
        return false;
    }

    /** How many commands this writer dropped because its queue was full, since it started. */
    public synchronized long dropped() {
        return dropped;
    }

    private synchronized void full(String what) {
        dropped++;
        droppedSinceLine++;
        Instant now = clock.instant();
        if (lastLogged == Instant.MIN || !now.isBefore(lastLogged.plus(logInterval))) {
            LOG.warn("Redis {} queue full: {} commands already wait; {} dropped since the line before (the last: {}). This node asks"
                    + " more of Redis than Redis takes.", name, capacity, droppedSinceLine, what);
            lastLogged = now;
            droppedSinceLine = 0;
        }
    }

    private void run() {
        List<Queued> taken = new ArrayList<>();
        while (true) {
            Queued first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (first == null) {
                if (closing) {
                    return;
                }
                continue;
            }
            taken.add(first);
            queue.drainTo(taken, BATCH - 1);
            send(taken);
            taken.clear();
        }
    }

    /** One round trip for all of them; a failure is Redis's, said by the outage. */
    private void send(List<Queued> commands) {
        RBatch batch = redis.createBatch(options);
        for (Queued queued : commands) {
            try {
                queued.command().addTo(batch);
            } catch (RuntimeException e) {
                // a fault of this node's, not of Redis: the other commands still go
                LOG.warn("Redis {}: {} was not sent: {}", name, queued.what(), e.toString());
            }
        }
        try {
            batch.execute();
            outage.succeeded();
        } catch (RuntimeException e) {
            String what = commands.get(0).what() + (commands.size() > 1 ? " and " + (commands.size() - 1) + " more" : "");
            outage.failed(what, e);
        }
    }

    /** Sends what waits (for at most {@code patience}), then stops. */
    void close(Duration patience) {
        closing = true;
        try {
            thread.join(patience.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }
}
