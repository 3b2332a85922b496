package kata;

import static kata.harness.ReplyAssert.assertThat;

import java.util.HashMap;
import java.util.Map;
import kata.harness.RunningApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node behind a load balancer ({@code ./kata cluster}) is told the balancer's ports: the page it serves
 * must open its Socket.IO connection through the balancer, not straight to this node, and a browser on
 * the balancer's port is the page's origin.
 */
class PublicPortsTest {

    static final int PUBLIC_PORT = 3000;
    static final int PUBLIC_IO_PORT = 3001;

    @RegisterExtension
    static final RunningApp<App> node = RunningApp.of(env -> {
        Map<String, String> behind = new HashMap<>(env);
        behind.put("PUBLIC_PORT", String.valueOf(PUBLIC_PORT));
        behind.put("PUBLIC_IO_PORT", String.valueOf(PUBLIC_IO_PORT));
        return App.start(Config.fromEnvironment(behind));
    }, App::httpPort).withSocketPort(App::ioPort);

    @Test
    void the_page_is_told_the_balancers_socket_port_and_its_origin_is_the_balancers() {
        assertThat(node.http().get("/config.json")).hasStatus(200).hasJson("{\"ioPort\":" + PUBLIC_IO_PORT + ",\"socketAuth\":\"payload\",\"refresh\":true}");

        String handshake = "/socket.io/?EIO=4&transport=polling";
        assertThat(node.socketHttp().get(handshake, "Origin", "http://localhost:" + PUBLIC_PORT)).hasStatus(200);
        // the node's own port is not where browsers load the page from
        assertThat(node.socketHttp().get(handshake, "Origin", node.pageOrigin())).hasStatus(401);
    }
}
