package kata;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import kata.harness.RedisServer;
import kata.harness.RunningApp;

/** Nodes of the app joined through one Redis, started as {@code REDIS_URL=... ./kata run} would start them. */
final class Nodes {

    /** Short leases, so that a dead node's users are gone in seconds, not in the default 6 s. */
    static final Duration LEASE = Duration.ofMillis(1500);

    static final String ADAPTER = "steps/10-scale-out/src/main/java/kata/RedisAdapter.java";
    static final String ROOMS = "steps/10-scale-out/src/main/java/kata/RedisRooms.java";
    static final String PRESENCE = "steps/10-scale-out/src/main/java/kata/Presence.java";
    static final String REVOCATIONS = "steps/10-scale-out/src/main/java/kata/SharedRevocations.java";

    private Nodes() {
    }

    /** The environment of a node that joins the others through this Redis. */
    static Map<String, String> joining(RedisServer redis, Map<String, String> env) {
        Map<String, String> node = new HashMap<>(env);
        node.put("REDIS_URL", redis.url());
        node.put("PRESENCE_LEASE_MS", String.valueOf(LEASE.toMillis()));
        node.put("REDIS_OUTAGE_LOG_MS", "1000");
        return node;
    }

    /** An in-process node of the app, for a test class. */
    static RunningApp<App> node(RedisServer redis) {
        return node(redis, Map.of());
    }

    /** The same, with some settings of its own (a test's shorter leases, for instance). */
    static RunningApp<App> node(RedisServer redis, Map<String, String> settings) {
        return RunningApp.of(env -> {
            Map<String, String> node = joining(redis, env);
            node.putAll(settings);
            return App.start(Config.fromEnvironment(node));
        }, App::httpPort).withSocketPort(App::ioPort);
    }

    /** The same, on a clock of the test's: by which its leases are scored, and the others' read. */
    static RunningApp<App> node(RedisServer redis, Clock clock) {
        return RunningApp.of(env -> App.start(Config.fromEnvironment(joining(redis, env)).withClock(clock)), App::httpPort)
                .withSocketPort(App::ioPort);
    }
}
