package kata;

import com.corundumstudio.socketio.SocketIOServer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.redisson.api.RBatch;
import org.redisson.client.codec.StringCodec;

/**
 * Renews this node's lease on every user it serves, every third of a lease ({@link Presence}): one batch,
 * one round trip, however many users.
 */
final class LeaseHeartbeat implements AutoCloseable {

    private final ScheduledExecutorService timer;

    /** {@code renew}: adds the renewal of one user's lease to the batch. */
    LeaseHeartbeat(SocketIOServer server, RedisLink redis, RedisWriter writer, Duration lease, BiConsumer<RBatch, Integer> renew) {
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "presence-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(1, lease.toMillis() / 3);
        timer.scheduleAtFixedRate(() -> writer.submit("presence heartbeat", batch -> {
            // written even when no user is here, so that an outage (and its end) is noticed without traffic
            batch.getBucket(redis.key("node:" + redis.node()), StringCodec.INSTANCE).setAsync("alive", lease.multipliedBy(2));
            server.getAllClients().stream()
                    .map(Session::userOf)
                    .filter(Objects::nonNull)
                    .map(User::id)
                    .distinct()
                    .forEach(userId -> renew.accept(batch, userId));
        }), every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
