package kata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import kata.harness.Connection;
import kata.harness.NodeProcess;
import kata.harness.RedisServer;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import kata.harness.TestEnv;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step 10: node A, in a JVM of its own, is killed while john is connected to it. It cannot say
 * goodbye: node B must stop counting john as online on its own, within one lease.
 */
@Order(2)
class NodeCrashTest {

    @RegisterExtension
    @Order(0)
    static final RedisServer redis = new RedisServer();

    @RegisterExtension
    @Order(1)
    static final RunningApp<App> nodeB = Nodes.node(redis);

    @RegisterExtension
    final Sockets sockets = new Sockets(nodeB);

    private static NodeProcess nodeA;

    @AfterAll
    static void stopNodeA() {
        if (nodeA != null) {
            nodeA.kill();
        }
    }

    @Test
    void john_counts_as_offline_on_B_within_one_lease_after_node_A_is_killed() {
        nodeA = NodeProcess.start("A", Nodes.joining(redis, TestEnv.variables())).awaitRunning();
        String johnsToken = nodeA.http().login("john", "changeit");
        sockets.connectTo(nodeA.socketUrl(), johnsToken);
        awaitOnlineOnB(johnsToken, true, Connection.PATIENCE, "john has a connection on node A. Open " + Nodes.PRESENCE
                + ": node A takes a lease on john in Redis, and node B looks for one.");

        long killed = System.nanoTime();
        nodeA.kill();

        // the lease, and a second for a busy machine: without a lease, john would stay online for ever
        awaitOnlineOnB(johnsToken, false, Nodes.LEASE.plusSeconds(1), "node A died without giving up its lease on john. Open "
                + Nodes.PRESENCE + ": a lease that is not renewed must end, so that a dead node's users do not stay online.");
        Duration noticed = Duration.ofNanos(System.nanoTime() - killed);
        System.err.println("john counted as offline on node B " + noticed.toMillis() + " ms after node A was killed (lease "
                + Nodes.LEASE.toMillis() + " ms)");
        assertThat(noticed).isLessThanOrEqualTo(Nodes.LEASE.plusSeconds(1));
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
