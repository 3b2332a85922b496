package kata;

import com.corundumstudio.socketio.SocketIOServer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.redisson.api.RScoredSortedSet;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Whether a user is connected right now, on this node or on any other. The guide:
 * {@code (await io.in(`user:${userId}`).fetchSockets()).length > 0}.
 *
 * <p>On this node, a user is connected while their room has a connection in it. Across nodes, each
 * node holds a lease on the users it serves: in Redis, the sorted set {@code kata:presence:user:<id>}
 * has one member per node, scored with the time its lease ends. A node renews its leases every third
 * of {@link #lease} and gives a user's up when their last connection here closes. A node that dies
 * without a word stops renewing, so its users count as gone at most one lease later.
 */
public final class Presence implements AutoCloseable {

    private final SocketIOServer server;
    private final RedisAdapter adapter;
    private final Duration lease;
    private final Clock clock;
    private final ScheduledExecutorService heartbeat;

    /** One node alone: presence is this node's rooms. */
    public Presence(SocketIOServer server) {
        this(server, null, Duration.ZERO, Clock.systemUTC());
    }

    /** One node of several: presence is this node's rooms and the other nodes' leases in Redis. */
    public Presence(SocketIOServer server, RedisAdapter adapter, Duration lease, Clock clock) {
        this.server = server;
        this.adapter = adapter;
        this.lease = lease;
        this.clock = clock;
        if (adapter == null) {
            heartbeat = null;
            return;
        }
        heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "presence-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        long every = Math.max(1, lease.toMillis() / 3);
        heartbeat.scheduleAtFixedRate(() -> adapter.write("presence heartbeat", this::renewLeases), every, every, TimeUnit.MILLISECONDS);
    }

    public boolean isUserConnected(int userId) {
        if (onlineHere(userId)) {
            return true;
        }
        if (adapter == null || adapter.outage().isDown()) {
            // alone, or cut off from the others: this node knows only its own connections
            return false;
        }
        // BEGIN SOLUTION
        try {
            long now = clock.millis();
            boolean elsewhere = leases(userId).count(now, true, Double.POSITIVE_INFINITY, true) > 0;
            adapter.outage().succeeded();
            return elsewhere;
        } catch (RuntimeException e) {
            adapter.outage().failed("presence of user " + userId, e);
            return false;
        }
        // STUB
        // // TODO step 10: another node may hold a lease on this user in Redis: has one of them not ended yet?
        // return false;
        // END SOLUTION
    }

    /** Called when one of the user's connections opens on this node. */
    void connected(User user) {
        if (adapter != null) {
            adapter.write("presence of " + user.username(), () -> renew(user.id()));
        }
    }

    /** Called when one of the user's connections closes on this node. */
    void disconnected(User user) {
        if (adapter != null && !onlineHere(user.id())) {
            // BEGIN SOLUTION
            adapter.write("presence of " + user.username(), () -> {
                // the user may have come back meanwhile: the room says
                if (!onlineHere(user.id())) {
                    leases(user.id()).remove(adapter.node());
                }
            });
            // STUB
            // // TODO step 10: give up this node's lease on the user: the others must not wait for it to end.
            // END SOLUTION
        }
    }

    private void renew(int userId) {
        // BEGIN SOLUTION
        RScoredSortedSet<String> leases = leases(userId);
        leases.add(clock.millis() + lease.toMillis(), adapter.node());
        // the whole set goes when no node renews it any more
        leases.expire(lease.multipliedBy(2));
        // STUB
        // // TODO step 10: take (or renew) this node's lease on the user in Redis, until now + lease.
        // END SOLUTION
    }

    /** Renews this node's lease on every user it serves. */
    private void renewLeases() {
        // asked even when no user is here, so that an outage (and its end) is noticed without traffic
        adapter.redis().getBucket("kata:node:" + adapter.node(), StringCodec.INSTANCE).set("alive", lease.multipliedBy(2));
        server.getAllClients().stream()
                .map(Session::userOf)
                .filter(java.util.Objects::nonNull)
                .map(User::id)
                .distinct()
                .forEach(this::renew);
    }

    /** Whether the user has a connection on this node: their room holds only accepted connections. */
    private boolean onlineHere(int userId) {
        return !server.getRoomOperations(UserRooms.roomOf(userId)).getClients().isEmpty();
    }

    private RScoredSortedSet<String> leases(int userId) {
        RedissonClient redis = adapter.redis();
        return redis.getScoredSortedSet(key(userId), StringCodec.INSTANCE);
    }

    private static String key(int userId) {
        return "kata:presence:user:" + userId;
    }

    /** How long after a node dies its users still count as connected, at most. */
    public Duration bound() {
        return lease;
    }

    @Override
    public void close() {
        if (heartbeat != null) {
            heartbeat.shutdownNow();
        }
    }
}
