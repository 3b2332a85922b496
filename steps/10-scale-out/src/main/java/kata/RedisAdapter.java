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
        // Build a Redisson config (org.redisson.config.Config: `Config` alone is the app's own class) for
        // one server at this url, with short timeouts (RedisLink.COMMAND_TIMEOUT), and return
        // new RedisLink(Redisson.create(config), url, prefix, outageLogInterval). When Redis cannot be reached,
        // throw an IllegalStateException that names the url and REDIS_URL.
        throw new Todo("step 10: connect to Redis in RedisAdapter.connect (steps/10-scale-out/src/main/java/kata/RedisAdapter.java)");
    }

    /** Rooms across nodes, given to {@code io} before the Socket.IO server is made from it. */
    public static void shareRooms(Configuration io, RedisLink redis) {
        // TODO step 10: netty-socketio keeps rooms in this JVM's memory (MemoryStoreFactory). Give it a store
        // factory that shares them through Redis, new RedisRooms(redis): a broadcast then reaches the room's
        // connections on every node.
    }
}
