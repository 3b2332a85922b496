package kata;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import kata.harness.RedisServer;
import kata.harness.RunningApp;

/** Nodes of the app joined through one Redis, started as {@code REDIS_URL=... ./kata run} would start them. */
final class Nodes {

    static final String FAMILIES = "steps/11-token-refresh/src/main/java/kata/RedisFamilies.java";

    /** A short grace, in which a refresh token just replaced still gets the current one. */
    static final java.time.Duration GRACE = java.time.Duration.ofMillis(1000);

    private Nodes() {
    }

    /** An in-process node of the app, for a test class. */
    static RunningApp<App> node(RedisServer redis) {
        return node(redis, Clock.systemUTC());
    }

    /** The same, on a clock of the test's (the nodes of a test share it: the grace is read against it). */
    static RunningApp<App> node(RedisServer redis, Clock clock) {
        return RunningApp.of(env -> {
            Map<String, String> node = new HashMap<>(env);
            node.put("REDIS_URL", redis.url());
            node.put("REDIS_OUTAGE_LOG_MS", "1000");
            node.put("REFRESH_REUSE_GRACE_MS", String.valueOf(GRACE.toMillis()));
            return App.start(Config.fromEnvironment(node).withClock(clock));
        }, App::httpPort).withSocketPort(App::ioPort);
    }
}
