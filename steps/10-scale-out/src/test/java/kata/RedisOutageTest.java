package kata;

import static kata.harness.ReplyAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import kata.harness.Connection;
import kata.harness.LogCapture;
import kata.harness.NodeProcess;
import kata.harness.RedisServer;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import kata.harness.TestEnv;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step 10: Redis is not there. At start, a node says so and does not start; while it runs, it keeps
 * serving its own connections, says so in its log now and then (not once per request), and joins the
 * others again when Redis is back.
 */
@Order(4)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisOutageTest {

    @RegisterExtension
    @Order(0)
    static final RedisServer redis = new RedisServer();

    /**
     * A node in a JVM of its own, given a REDIS_URL where no Redis listens: it starts once nodes A and B have
     * (their start is what the first tests wait for), and has ended by the time its test looks.
     */
    private static NodeProcess withoutRedis;
    private static String closedUrl;

    @RegisterExtension
    @Order(4)
    static final BeforeAllCallback startWithoutRedis = context -> {
        Map<String, String> env = new HashMap<>(TestEnv.variables());
        closedUrl = "redis://127.0.0.1:" + closedPort();
        env.put("REDIS_URL", closedUrl);
        withoutRedis = NodeProcess.start("without-redis", env);
    };

    @AfterAll
    static void stopWithoutRedis() {
        if (withoutRedis != null) {
            withoutRedis.kill();
        }
    }

    /**
     * How often the outage may be logged, and how often each node writes to Redis (every third of a lease,
     * {@code LeaseHeartbeat}): while Redis is away, each node fails a command five times a second, where the
     * log may say so once in two seconds.
     */
    private static final Duration LOG_INTERVAL = Duration.ofSeconds(2);
    private static final Map<String, String> OFTEN_WRITING = Map.of("REDIS_OUTAGE_LOG_MS", String.valueOf(LOG_INTERVAL.toMillis()),
            "PRESENCE_LEASE_MS", "600");

    @RegisterExtension
    @Order(2)
    static final RunningApp<App> nodeA = Nodes.node(redis, OFTEN_WRITING);

    @RegisterExtension
    @Order(3)
    static final RunningApp<App> nodeB = Nodes.node(redis, OFTEN_WRITING);

    @RegisterExtension
    final Sockets onA = new Sockets(nodeA);

    @RegisterExtension
    final Sockets onB = new Sockets(nodeB);

    @RegisterExtension
    final LogCapture log = new LogCapture();

    @Test
    @Order(2)
    void a_node_without_its_redis_does_not_start_and_says_why() throws Exception {
        Map<String, String> env = new HashMap<>(TestEnv.variables());
        env.put("REDIS_URL", "redis://127.0.0.1:" + closedPort());

        assertThatThrownBy(() -> App.start(Config.fromEnvironment(env)))
                .as("App.start with a REDIS_URL where no Redis listens. Open " + Nodes.ADAPTER)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot reach Redis at " + env.get("REDIS_URL") + " (REDIS_URL)");
    }

    @Test
    @Order(3)
    void kata_run_without_its_redis_exits_with_an_error_and_one_line_of_reason() throws Exception {
        NodeProcess node = withoutRedis;

        int exit = node.awaitExit();

        assertThat(exit).as("the exit code of a node that cannot reach Redis. Open " + Nodes.ADAPTER + ". It printed:\n" + node.output())
                .isNotZero();
        assertThat(node.output()).as("what it printed").contains("Cannot start: cannot reach Redis at " + closedUrl)
                .doesNotContain("\tat ");
    }

    @Test
    @Order(1)
    void while_redis_is_away_a_node_serves_its_own_connections_and_joins_the_others_when_it_is_back() {
        String johnsToken = nodeA.http().login("john", "changeit");
        Connection johnOnA = onA.connect(johnsToken);
        Connection johnOnB = onB.connect(johnsToken);
        awaitDelivered(johnsToken, johnOnB, Connection.PATIENCE, "while Redis runs, a notify on A reaches john on B. Open " + Nodes.ADAPTER);

        redis.stop();
        long stopped = System.nanoTime();

        // HTTP answers as usual: 2xx and 4xx, never a 500
        assertThat(nodeA.http().postJson("/login", "{\"username\":\"john\",\"password\":\"changeit\"}")).hasStatus(200);
        assertThat(nodeA.http().postJson("/login", "{\"username\":\"john\",\"password\":\"wrong\"}")).hasStatus(401);
        assertThat(nodeA.http().getWithToken("/users/1/online", johnsToken)).hasStatus(200).hasJson("{\"online\":true}");
        assertThat(nodeA.http().getWithToken("/users/2/online", johnsToken)).hasStatus(200);
        assertThat(nodeA.http().get("/users/1/online")).hasStatus(401);
        int before = johnOnA.events("foo").size();
        assertThat(nodeA.http().postWithToken("/notify", johnsToken)).hasStatus(200);
        await().atMost(Connection.PATIENCE).pollInterval(Duration.ofMillis(10)).until(() -> johnOnA.events("foo").size() > before);

        // the outage is logged once per interval, not once per failed command: over 0.8 s each node fails three
        // commands or more (a heartbeat every 200 ms, each failing after Redisson's retry), and may say so once, or
        // twice if a command sent before the stop is answered after another failed (then "answers again" starts
        // over). The log is the whole JVM's, where the nodes of the classes beside this one log about their own
        // Redis: only this class's lines count
        String doesNotAnswer = "Redis at " + redis.url() + " does not answer";
        log.awaitLine(doesNotAnswer);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> Duration.ofNanos(System.nanoTime() - stopped).toMillis() >= 800);
        long millis = Duration.ofNanos(System.nanoTime() - stopped).toMillis();
        long lines = log.lines().stream().filter(line -> line.contains(doesNotAnswer)).count();
        long allowed = 2 * (2 + millis / LOG_INTERVAL.toMillis());
        assertThat(lines).as("lines that say Redis does not answer, " + millis + " ms into the outage, with one line in "
                + LOG_INTERVAL.toMillis() + " ms at most per node (and one more), two nodes. Open " + Nodes.ADAPTER
                + ": a failed command goes to RedisOutage, which logs\n"
                + log.text()).isBetween(1L, allowed);
        assertThat(log.text()).as("no stack trace in the log").doesNotContain("\tat ");

        redis.start();
        long restarted = System.nanoTime();
        awaitDelivered(johnsToken, johnOnB, Duration.ofSeconds(15), "Redis is back: node A must publish to node B again");
        System.err.println("a notify on A reached B again " + Duration.ofNanos(System.nanoTime() - restarted).toMillis()
                + " ms after Redis was back");
        log.awaitLine("Redis at " + redis.url() + " answers again");
    }

    /** Notifies on A until john's tab on B gets the event: what is published while B is not listening is gone. */
    private static void awaitDelivered(String token, Connection on, Duration within, String why) {
        int before = on.events("foo").size();
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(200)).until(() -> {
                nodeA.http().postWithToken("/notify", token);
                return on.events("foo").size() > before;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("john's tab on B got no event within " + within.toSeconds() + " s: " + why);
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
