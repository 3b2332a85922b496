package kata;

import static kata.harness.ReplyAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kata.harness.Balancer;
import kata.harness.Connection;
import kata.harness.Connection.Mode;
import kata.harness.Cookies;
import kata.harness.RedisServer;
import kata.harness.Reply;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes of the finished app and one Redis behind a real load balancer (HAProxy, configured as
 * {@code ./kata cluster} runs it). With sticky sessions, clients that start with polling connect,
 * upgrade and get every event, wherever the balancer put them; without, the wrong node answers a
 * session's requests "Session ID unknown" and such clients fail, while websocket-only ones do not care.
 */
class BalancerTest {

    static final int TABS = 8;
    static final int EVENTS = 3;

    @RegisterExtension
    @Order(0)
    static final RedisServer redis = new RedisServer();

    @RegisterExtension
    @Order(1)
    static final RunningApp<App> nodeA = node(redis);

    @RegisterExtension
    @Order(2)
    static final RunningApp<App> nodeB = node(redis);

    @RegisterExtension
    @Order(3)
    static final Balancer sticky = Balancer.sticky(BalancerTest::nodes);

    @RegisterExtension
    @Order(4)
    static final Balancer roundRobin = Balancer.roundRobin(BalancerTest::nodes);

    @RegisterExtension
    final Sockets sockets = new Sockets(nodeA);

    @Test
    void through_a_sticky_balancer_polling_first_tabs_connect_upgrade_and_get_every_event_on_both_nodes() {
        String token = sticky.http().login("john", "changeit");
        List<Cookies> browsers = new ArrayList<>();
        List<Connection> tabs = new ArrayList<>();
        for (int i = 0; i < TABS; i++) {
            Cookies cookies = new Cookies();
            browsers.add(cookies);
            tabs.add(sockets.openThrough(sticky.socketUrl(), token, Mode.POLLING_FIRST, cookies));
        }
        for (Connection tab : tabs) {
            tab.awaitConnected();
            tab.awaitWebsocket(Connection.PATIENCE);
        }
        // the balancer chose a node for each tab, and said which in its cookie; round robin used both
        assertThat(browsers).extracting(cookies -> cookies.value(Balancer.COOKIE).orElse("none")).containsOnly("A", "B").contains("A", "B");

        for (int i = 0; i < EVENTS; i++) {
            // round robin: the notifies are made on both nodes, each reaching the other's tabs through Redis
            assertThat(sticky.http().postWithToken("/notify", token)).hasStatus(200);
        }
        for (Connection tab : tabs) {
            tab.awaitEvents("foo", EVENTS, Connection.PATIENCE);
        }
        tabs.get(0).assertNoEvent("foo-again", Duration.ofMillis(200), "nothing else was sent");
        assertThat(tabs).allSatisfy(tab -> assertThat(tab.events("foo")).as("every tab gets every event once").hasSize(EVENTS));
    }

    @Test
    void without_stickiness_the_wrong_node_answers_Session_ID_unknown_and_polling_first_tabs_fail() {
        // a session's first request lands on one node, its next on the other
        String sid = roundRobin.socketHttp().get("/socket.io/?EIO=4&transport=polling").body().replaceAll(".*\"sid\":\"([^\"]+)\".*", "$1");
        Reply poll = roundRobin.socketHttp().get("/socket.io/?EIO=4&transport=polling&sid=" + sid);
        assertThat(poll).hasStatus(400).hasJson("{\"code\":1,\"message\":\"Session ID unknown\"}");

        String token = roundRobin.http().login("john", "changeit");
        int connected = 0;
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < TABS; i++) {
            Connection tab = sockets.openThrough(roundRobin.socketUrl(), token, Mode.POLLING_FIRST, new Cookies());
            String outcome = tab.awaitOutcome();
            if (outcome.equals("connected") && tab.reachesWebsocketWithin(Duration.ofSeconds(1))) {
                connected++;
            }
            outcomes.add(outcome);
        }
        System.err.println("without stickiness, " + connected + " of " + TABS + " polling-first tabs connected and upgraded: " + outcomes);
        assertThat(connected).as("polling-first tabs that connected and upgraded through a balancer without stickiness: " + outcomes)
                .isLessThanOrEqualTo(TABS / 4);
        assertThat(outcomes).as("how they failed").anyMatch(outcome -> outcome.contains("xhr p"));

        // a websocket is one TCP connection: it needs no stickiness
        Connection websocket = sockets.openThrough(roundRobin.socketUrl(), token, Mode.WEBSOCKET_ONLY, new Cookies()).awaitConnected();
        assertThat(roundRobin.http().postWithToken("/notify", token)).hasStatus(200);
        websocket.awaitEvent("foo");
    }

    static List<Balancer.Node> nodes() {
        return List.of(Balancer.Node.of("A", nodeA), Balancer.Node.of("B", nodeB));
    }

    static RunningApp<App> node(RedisServer redis) {
        return RunningApp.of(env -> App.start(Config.fromEnvironment(joining(redis, env))), App::httpPort).withSocketPort(App::ioPort);
    }

    /** A node that joins the others through this Redis, with a short lease (1.5 s) as step 10's tests use. */
    static Map<String, String> joining(RedisServer redis, Map<String, String> env) {
        Map<String, String> node = new HashMap<>(env);
        node.put("REDIS_URL", redis.url());
        node.put("PRESENCE_LEASE_MS", "1500");
        node.put("REDIS_OUTAGE_LOG_MS", "1000");
        return node;
    }
}
