package kata;

import com.corundumstudio.socketio.Configuration;
import java.time.Duration;
import org.redisson.Redisson;
import org.redisson.config.ConstantDelay;

/**
 * The nodes share Redis: the Java counterpart of {@code @socket.io/redis-adapter}'s
 * {@code io.adapter(createAdapter(pubClient, subClient))}. Presence and revocations share theirs through
 * the same link ({@link RedisLink}).
 */
public final class RedisAdapter {

    private RedisAdapter() {
    }

    /**
     * Connects to the Redis at {@code url} (REDIS_URL, e.g. redis://127.0.0.1:6379), or says clearly
     * why it cannot: a node that cannot reach the others must not start as if it were alone.
     */
    public static RedisLink connect(String url, String prefix, Duration outageLogInterval) {
        // Redisson's Config, not the app's
        org.redisson.config.Config config = new org.redisson.config.Config();
        config.useSingleServer()
                .setAddress(url)
                .setConnectTimeout((int) RedisLink.COMMAND_TIMEOUT.toMillis())
                .setTimeout((int) RedisLink.COMMAND_TIMEOUT.toMillis())
                // fail fast: a caller that waits for Redis is a caller that does not serve
                .setRetryAttempts(1)
                .setRetryDelay(new ConstantDelay(Duration.ofMillis(200)))
                // notice a dead connection within a second, and try again every second
                .setPingConnectionInterval(1000)
                .setReconnectionDelay(new ConstantDelay(Duration.ofSeconds(1)))
                // a few connections, opened at once (Redisson's default opens 24 before it returns)
                .setConnectionMinimumIdleSize(2)
                .setConnectionPoolSize(8)
                .setSubscriptionConnectionMinimumIdleSize(1);
        try {
            return new RedisLink(Redisson.create(config), url, prefix, outageLogInterval);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot reach Redis at " + Config.shown(url) + " (REDIS_URL): " + RedisOutage.reason(e)
                    + ". Start it (redis-server --port <port>), or unset REDIS_URL to run one node alone.", e);
        }
    }

    /** Rooms across nodes, given to {@code io} before the Socket.IO server is made from it. */
    public static void shareRooms(Configuration io, RedisLink redis) {
        // every broadcast to a room goes through Redis to the other nodes (joins and leaves stay here)
        io.setStoreFactory(new RedisRooms(redis));
    }
}
