package kata;

import static kata.harness.ReplyAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import kata.harness.Balancer;
import kata.harness.Connection;
import kata.harness.Connection.Mode;
import kata.harness.Cookies;
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
 * Node A, in a JVM of its own behind a sticky balancer (HAProxy, as {@code ./kata cluster} runs it), is
 * killed (SIGKILL) while john's tab is on it and jane's on node B. Through the balancer: john counts as
 * offline within one lease, and B serves everyone: jane keeps her tab and her events, and john's tab
 * comes back, on B, though its cookie still names A.
 */
class NodeKilledBehindBalancerTest {

    /** The lease of step 10's tests: a dead node's users are gone within 1.5 s. */
    static final Duration LEASE = Duration.ofMillis(1500);

    @RegisterExtension
    @Order(0)
    static final RedisServer redis = new RedisServer();

    @RegisterExtension
    @Order(1)
    static final RunningApp<App> nodeB = BalancerTest.node(redis);

    @RegisterExtension
    @Order(2)
    static final Balancer balancer = Balancer.sticky(() -> List.of(Balancer.Node.of("A", nodeA()), Balancer.Node.of("B", nodeB)));

    @RegisterExtension
    final Sockets sockets = new Sockets(nodeB);

    private static NodeProcess nodeA;

    /** Started when the balancer asks for its ports, so that it is started only where haproxy is there. */
    private static NodeProcess nodeA() {
        if (nodeA == null) {
            nodeA = NodeProcess.start("A", BalancerTest.joining(redis, TestEnv.variables())).awaitRunning();
        }
        return nodeA;
    }

    @AfterAll
    static void stopNodeA() {
        if (nodeA != null) {
            nodeA.kill();
        }
    }

    @Test
    void after_node_A_is_killed_its_users_are_offline_within_one_lease_and_node_B_serves_everyone() {
        String johnsToken = balancer.http().login("john", "changeit");
        String janesToken = balancer.http().login("jane", "changeit");
        Cookies johnsBrowser = new Cookies();
        Connection john = tabOn("A", johnsToken, johnsBrowser);
        Connection jane = tabOn("B", janesToken, new Cookies());
        awaitOnline(johnsToken, 1, true, Connection.PATIENCE, "john has a tab on A");

        long killed = System.nanoTime();
        nodeA.kill();

        awaitOnline(janesToken, 1, false, LEASE.plusSeconds(1), "node A died without giving up its lease on john: it must end within one lease");
        Duration noticed = Duration.ofNanos(System.nanoTime() - killed);
        System.err.println("through the balancer, john counted as offline " + noticed.toMillis() + " ms after node A was killed (lease "
                + LEASE.toMillis() + " ms)");
        john.awaitEvent("disconnect");

        // node B serves: jane's tab stays, and gets what is sent to her through the balancer
        assertThat(balancer.http().getWithToken("/users/2/online", johnsToken)).hasStatus(200).hasJson("{\"online\":true}");
        assertThat(balancer.http().postWithToken("/notify", janesToken)).hasStatus(200);
        jane.awaitEvent("foo");
        // and john's tab comes back: its cookie names A, which is down, so the balancer sends it to B
        Connection back = sockets.openThrough(balancer.socketUrl(), johnsToken, Mode.POLLING_FIRST, johnsBrowser).awaitConnected();
        back.awaitWebsocket(Connection.PATIENCE);
        assertThat(johnsBrowser.value(Balancer.COOKIE)).as("the node john's browser is sent to now").contains("B");
        assertThat(balancer.http().postWithToken("/notify", johnsToken)).hasStatus(200);
        back.awaitEvent("foo");
    }

    /** A polling-first tab through the balancer, on this node: the balancer's round robin gives the next one to the other node. */
    private Connection tabOn(String node, String token, Cookies browser) {
        for (int attempt = 0; attempt < 4; attempt++) {
            Connection tab = sockets.openThrough(balancer.socketUrl(), token, Mode.POLLING_FIRST, browser).awaitConnected();
            tab.awaitWebsocket(Connection.PATIENCE);
            if (browser.value(Balancer.COOKIE).orElse("").equals(node)) {
                return tab;
            }
            tab.close();
            browser.forget(Balancer.COOKIE);
        }
        throw new AssertionError("the balancer never sent a tab to node " + node);
    }

    private static void awaitOnline(String token, int userId, boolean expected, Duration within, String why) {
        String path = "/users/" + userId + "/online";
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(20))
                    .until(() -> balancer.http().getWithToken(path, token).body().equals("{\"online\":" + expected + "}"));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("GET " + path + " through the balancer should answer {\"online\":" + expected + "} within "
                    + within.toMillis() + " ms, and answers " + balancer.http().getWithToken(path, token).summary() + ": " + why);
        }
    }
}
