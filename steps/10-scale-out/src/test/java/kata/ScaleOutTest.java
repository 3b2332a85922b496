package kata;

import static kata.harness.ReplyAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import kata.harness.Connection;
import kata.harness.Connection.Mode;
import kata.harness.RedisServer;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step 10: two nodes, A and B, joined through one Redis. What one node does for a user reaches that
 * user's connections on the other; what one node knows of a user's presence, the other knows too.
 */
@Order(1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutTest {

    @RegisterExtension
    @Order(0)
    static final RedisServer redis = new RedisServer();

    @RegisterExtension
    @Order(1)
    static final RunningApp<App> nodeA = Nodes.node(redis);

    @RegisterExtension
    @Order(2)
    static final RunningApp<App> nodeB = Nodes.node(redis);

    @RegisterExtension
    final Sockets onA = new Sockets(nodeA);

    @RegisterExtension
    final Sockets onB = new Sockets(nodeB);

    @Test
    @Order(1)
    void john_on_both_nodes_gets_a_notify_made_on_A_on_both_tabs_once_and_jane_gets_nothing() {
        String johnsToken = nodeA.http().login("john", "changeit");
        Connection johnOnA = onA.connect(johnsToken);
        Connection johnOnB = onB.connect(johnsToken);
        Connection janeOnB = onB.connect(nodeB.http().login("jane", "changeit"));

        assertThat(nodeA.http().postWithToken("/notify", johnsToken)).hasStatus(200);

        johnOnA.awaitEvent("foo");
        johnOnB.awaitEvent("foo", "The room user:1 on node B never heard of the event sent on node A. Open " + Nodes.ADAPTER
                + ": netty-socketio's rooms live in one JVM until it is given a store factory that shares them through Redis.");
        johnOnA.assertNoEvent("disconnect", Duration.ofMillis(300), "");
        assertThat(johnOnA.events("foo")).as("john's tab on A gets the event once").hasSize(1);
        assertThat(johnOnB.events("foo")).as("john's tab on B gets the event once, not once per node").hasSize(1);
        janeOnB.assertNoEvent("foo", Duration.ofMillis(200), "the event was for john's room only");
    }

    @Test
    @Order(2)
    void a_notify_made_on_B_reaches_john_on_A_though_B_has_no_connection_of_his() {
        String johnsToken = nodeA.http().login("john", "changeit");
        Connection johnOnA = onA.connect(johnsToken);

        assertThat(nodeB.http().postWithToken("/notify", johnsToken)).hasStatus(200);

        Connection.Event foo = johnOnA.awaitEvent("foo", "Node B sent it to the room user:1, where it has no connection. Open "
                + Nodes.ADAPTER + ": the room must be shared through Redis.");
        assertThat(foo.payload()).isEqualTo("bar");
    }

    @Test
    @Order(3)
    void a_notify_made_on_B_reaches_johns_tab_on_A_that_polls_and_never_upgrades() {
        String johnsToken = nodeA.http().login("john", "changeit");
        Connection pollingOnA = onA.open(johnsToken, Mode.POLLING_ONLY).awaitConnected();

        assertThat(nodeB.http().postWithToken("/notify", johnsToken)).hasStatus(200);

        // a proxy that blocks websockets leaves a browser on polling: a broadcast through Redis must reach it too
        Connection.Event foo = pollingOnA.awaitEvent("foo", "Node B, which has no connection in the room user:1, sent the event"
                + " through Redis to node A, whose tab polls. Open " + Nodes.ADAPTER + ": the room must be shared through Redis.");
        assertThat(foo.payload()).isEqualTo("bar");
    }

    @Test
    @Order(4)
    void node_B_sees_john_online_while_he_is_connected_to_A_only() {
        String johnsToken = nodeA.http().login("john", "changeit");
        onA.connect(johnsToken);

        awaitOnlineOnB(johnsToken, 1, true, "john has a connection on node A. Open " + Nodes.PRESENCE
                + ": node A takes a lease on john in Redis, and node B looks for one.");
        awaitOnlineOnB(johnsToken, 2, false, "jane has no connection anywhere");
    }

    @Test
    @Order(5)
    void node_B_sees_john_offline_as_soon_as_his_last_tab_on_A_closes() {
        String johnsToken = nodeA.http().login("john", "changeit");
        Connection first = onA.connect(johnsToken);
        Connection second = onA.connect(johnsToken);
        awaitOnlineOnB(johnsToken, 1, true, "john has two connections on node A. Open " + Nodes.PRESENCE);

        first.close();
        awaitOnlineOnB(johnsToken, 1, true, "john's second tab on A is still open");
        second.close();

        // well within the lease: a clean close gives the lease up at once, it does not wait for it to end
        awaitOnlineOnB(johnsToken, 1, false, Nodes.LEASE.dividedBy(2), "john closed his last tab on A. Open " + Nodes.PRESENCE
                + ": when a user's last connection on a node closes, that node gives up its lease.");
    }

    @Test
    @Order(6)
    void a_tab_that_connects_and_closes_on_A_costs_no_message_to_B_and_a_notify_costs_one() {
        String johnsToken = nodeA.http().login("john", "changeit");
        redis.command("CONFIG", "RESETSTAT");
        Connection tab = onA.connect(johnsToken);
        awaitOnlineOnB(johnsToken, 1, true, "john has a connection on node A. Open " + Nodes.PRESENCE);
        tab.close();
        awaitOnlineOnB(johnsToken, 1, false, "john closed his only tab on A. Open " + Nodes.PRESENCE);

        // a room is each node's own business: only what is sent to it crosses
        awaitPublishes(0, "node A published on Redis for a connection that came and went. netty-socketio publishes every join"
                + " and leave of a room, every connect and disconnect, and every node copies the others' session ids into its own rooms,"
                + " which no node needs: read " + Nodes.ROOMS + ", whose store publishes room broadcasts only.");
        assertThat(nodeA.http().postWithToken("/notify", johnsToken)).hasStatus(200);
        awaitPublishes(1, "a notify on A is one broadcast to the room user:1, which the other nodes must hear. Open " + Nodes.ADAPTER
                + ": netty-socketio's rooms live in one JVM until it is given a store factory that shares them through Redis.");
    }

    /** Waits until Redis has counted this many PUBLISH since the test's CONFIG RESETSTAT, and no more come for 300 ms. */
    private static void awaitPublishes(int expected, String why) {
        try {
            await().atMost(Connection.PATIENCE).pollInterval(Duration.ofMillis(20)).until(() -> publishes() == expected);
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> publishes() == expected);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Redis counted " + publishes() + " PUBLISH, and should have counted " + expected + ".\n" + why);
        }
    }

    /** PUBLISH commands since the last CONFIG RESETSTAT: INFO commandstats. */
    private static long publishes() {
        for (String line : redis.bulk("INFO", "commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_publish:calls=")) {
                return Long.parseLong(line.substring("cmdstat_publish:calls=".length(), line.indexOf(',')));
            }
        }
        return 0;
    }

    private static void awaitOnlineOnB(String token, int userId, boolean expected, String why) {
        awaitOnlineOnB(token, userId, expected, Connection.PATIENCE, why);
    }

    private static void awaitOnlineOnB(String token, int userId, boolean expected, Duration within, String why) {
        String path = "/users/" + userId + "/online";
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(20))
                    .until(() -> nodeB.http().getWithToken(path, token).body().equals("{\"online\":" + expected + "}"));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("GET " + path + " on node B should answer {\"online\":" + expected + "} within " + within.toMillis()
                    + " ms; the last answer: " + nodeB.http().getWithToken(path, token).summary() + ".\n" + why);
        }
    }
}
