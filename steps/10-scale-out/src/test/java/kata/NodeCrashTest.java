package kata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import kata.harness.Connection;
import kata.harness.NodeProcess;
import kata.harness.RedisServer;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import kata.harness.TestClock;
import kata.harness.TestEnv;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step 10: node A, in a JVM of its own, is killed while john is connected to it, and jane to both
 * nodes. It cannot say goodbye: node B must stop counting john as online on its own, within one lease,
 * and A's lease on jane, whom B keeps serving, must leave Redis as well. Node B runs on a clock that the
 * test moves one lease forward once A is dead: by B's reckoning, A's leases have ended then, as they
 * would have a lease later (a lease is scored with the time it ends, and read against the reader's clock).
 */
@Order(2)
class NodeCrashTest {

    @RegisterExtension
    @Order(0)
    static final RedisServer redis = new RedisServer();

    private static NodeProcess nodeA;

    /** Node A's JVM starts first, and takes its seconds to start while node B starts beside it. */
    @RegisterExtension
    @Order(1)
    static final BeforeAllCallback startNodeA = context -> nodeA = NodeProcess.start("A", Nodes.joining(redis, TestEnv.variables()));

    private static final TestClock clockOfB = new TestClock();

    @RegisterExtension
    @Order(2)
    static final RunningApp<App> nodeB = Nodes.node(redis, clockOfB);

    @RegisterExtension
    final Sockets sockets = new Sockets(nodeB);

    @AfterAll
    static void stopNodeA() {
        if (nodeA != null) {
            nodeA.kill();
        }
    }

    @Test
    void after_node_A_is_killed_john_counts_as_offline_on_B_within_one_lease_and_A_s_lease_on_jane_leaves_Redis() {
        nodeA.awaitRunning();
        String johnsToken = nodeA.http().login("john", "changeit");
        String janesToken = nodeA.http().login("jane", "changeit");
        sockets.connectTo(nodeA.socketUrl(), johnsToken);
        sockets.connectTo(nodeA.socketUrl(), janesToken);
        sockets.connect(janesToken);
        awaitOnlineOnB(johnsToken, true, Connection.PATIENCE, "john has a connection on node A. Open " + Nodes.PRESENCE
                + ": node A takes a lease on john in Redis, and node B looks for one.");
        awaitLeases(2, Connection.PATIENCE, "jane has a connection on each node: each takes a lease on her. Open " + Nodes.PRESENCE);

        long killed = System.nanoTime();
        nodeA.kill();
        // a lease later, by B's clock: A, dead, has renewed nothing since
        clockOfB.advance(Nodes.LEASE);

        // the lease, and a second for a busy machine: without a lease, john would stay online for ever
        awaitOnlineOnB(johnsToken, false, Nodes.LEASE.plusSeconds(1), "node A died without giving up its lease on john. Open "
                + Nodes.PRESENCE + ": a lease that is not renewed must end, so that a dead node's users do not stay online.");
        Duration noticed = Duration.ofNanos(System.nanoTime() - killed);
        System.err.println("john counted as offline on node B " + noticed.toMillis() + " ms after node A was killed (lease "
                + Nodes.LEASE.toMillis() + " ms, B's clock moved that far at the kill)");
        assertThat(noticed).isLessThanOrEqualTo(Nodes.LEASE.plusSeconds(1));

        // node B renews its lease on jane, and with it the whole set: A's lease, which ended, must go by itself
        awaitLeases(1, Nodes.LEASE.plusSeconds(1), "node A was killed " + Nodes.LEASE.toMillis() + " ms ago: its lease on jane ended,"
                + " but node B keeps renewing the set " + JANES_LEASES + ", so it never expires. Open " + Nodes.PRESENCE
                + ": when a node renews a lease, the leases that ended (scored before now) must leave the set.");
        assertThat(nodeB.http().getWithToken("/users/2/online", janesToken).body()).as("jane, still connected to B").isEqualTo("{\"online\":true}");
    }

    /** The leases on jane, node A's and node B's: one member per node. */
    private static final String JANES_LEASES = "kata:presence:user:2";

    private static void awaitLeases(int expected, Duration within, String why) {
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(20)).until(() -> redis.command("ZCARD", JANES_LEASES).equals(":" + expected));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("ZCARD " + JANES_LEASES + " should answer " + expected + " within " + within.toMillis() + " ms, and answers "
                    + redis.command("ZCARD", JANES_LEASES) + ": " + why);
        }
    }

    private static void awaitOnlineOnB(String token, boolean expected, Duration within, String why) {
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(20))
                    .until(() -> nodeB.http().getWithToken("/users/1/online", token).body().equals("{\"online\":" + expected + "}"));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("GET /users/1/online on node B should answer {\"online\":" + expected + "} within "
                    + within.toMillis() + " ms, and answers " + nodeB.http().getWithToken("/users/1/online", token).summary() + ": " + why);
        }
    }
}
