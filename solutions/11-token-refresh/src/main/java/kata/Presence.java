package kata;

import com.corundumstudio.socketio.SocketIOServer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RBatch;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.RScoredSortedSetAsync;
import org.redisson.client.codec.StringCodec;

/**
 * Whether a user is connected right now, on this node or on any other. The guide:
 * {@code (await io.in(`user:${userId}`).fetchSockets()).length > 0}.
 *
 * <p>On this node, a user is connected while their room has a connection in it. Across nodes, each
 * node holds a lease on the users it serves: in Redis, the sorted set {@code kata:presence:user:<id>}
 * (under the app's prefix) has one member per node, scored with the time its lease ends. A node renews
 * its leases every third of {@link #lease}, all of them in one pipelined round trip ({@link LeaseHeartbeat}), and gives a user's
 * up when their last connection here closes. A node that dies without a word stops renewing, so its
 * users count as gone at most one lease later; its member leaves the set at the next renewal of
 * another node, or with the whole set, one lease after the last renewal.
 *
 * <p>Its writes go through a {@link RedisWriter} of its own: they never wait behind the broadcasts.
 */
public final class Presence implements AutoCloseable {

    private final SocketIOServer server;
    private final RedisLink redis;
    private final Duration lease;
    private final Clock clock;
    private final RedisWriter writer;
    private final LeaseHeartbeat heartbeat;

    /** One node alone: presence is this node's rooms. */
    public Presence(SocketIOServer server) {
        this(server, null, Duration.ZERO, Clock.systemUTC());
    }

    /** One node of several: presence is this node's rooms and the other nodes' leases in Redis. */
    public Presence(SocketIOServer server, RedisLink redis, Duration lease, Clock clock) {
        this.server = server;
        this.redis = redis;
        this.lease = lease;
        this.clock = clock;
        writer = redis == null ? null : redis.writer("presence");
        heartbeat = redis == null ? null : new LeaseHeartbeat(server, redis, writer, lease, this::renew);
    }

    public boolean isUserConnected(int userId) {
        if (onlineHere(userId)) {
            return true;
        }
        if (redis == null || redis.outage().isDown()) {
            // alone, or cut off from the others: this node knows only its own connections
            return false;
        }
        try {
            long now = clock.millis();
            boolean elsewhere = leases(userId).count(now, true, Double.POSITIVE_INFINITY, true) > 0;
            redis.outage().succeeded();
            return elsewhere;
        } catch (RuntimeException e) {
            redis.outage().failed("presence of user " + userId, e);
            return false;
        }
    }

    /** Called when one of the user's connections opens on this node. */
    void connected(User user) {
        if (redis != null) {
            writer.submit("presence of " + user.username(), batch -> renew(batch, user.id()));
        }
    }

    /** Called when one of the user's connections closes on this node. */
    void disconnected(User user) {
        if (redis != null && !onlineHere(user.id())) {
            writer.submit("presence of " + user.username(), batch -> {
                // the user may have come back meanwhile: the room says
                if (!onlineHere(user.id())) {
                    leases(batch, user.id()).removeAsync(redis.node());
                }
            });
        }
    }

    /** Takes or renews this node's lease on the user, in this batch (sent in one round trip with the others). */
    private void renew(RBatch batch, int userId) {
        long now = clock.millis();
        RScoredSortedSetAsync<String> leases = leases(batch, userId);
        leases.addAsync(now + lease.toMillis(), redis.node());
        // a lease that ended is a dead node's: it goes, or a node that serves the same user would keep it
        // in the set for ever by renewing the set
        leases.removeRangeByScoreAsync(Double.NEGATIVE_INFINITY, true, now, false);
        // the whole set goes one lease after no node renews it any more (a plain PEXPIRE: Redisson's
        // leases.expireAsync(..) runs a Lua script, which costs Redis five times as much)
        batch.getKeys().expireAsync(key(userId), lease.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether the user has a connection on this node: their room holds only accepted connections. */
    private boolean onlineHere(int userId) {
        return !server.getRoomOperations(UserRooms.roomOf(userId)).getClients().isEmpty();
    }

    private RScoredSortedSet<String> leases(int userId) {
        return redis.client().getScoredSortedSet(key(userId), StringCodec.INSTANCE);
    }

    private RScoredSortedSetAsync<String> leases(RBatch batch, int userId) {
        return batch.getScoredSortedSet(key(userId), StringCodec.INSTANCE);
    }

    /** {@code kata:presence:user:1}, with the app's prefix. */
    private String key(int userId) {
        return redis.key("presence:user:" + userId);
    }

    /** How long after a node dies its users still count as connected, at most. */
    public Duration bound() {
        return lease;
    }

    @Override
    public void close() {
        if (heartbeat != null) {
            heartbeat.close();
        }
    }
}
