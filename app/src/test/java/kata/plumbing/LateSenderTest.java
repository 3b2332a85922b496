package kata.plumbing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.transport.NamespaceClient;
import io.netty.channel.ChannelFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import kata.harness.Connection;
import kata.harness.Connection.Mode;
import org.junit.jupiter.api.Test;

/**
 * Bug 13 (docs/netty-socketio-bugs.md): a packet sent to a polling client while it upgrades, by a thread
 * that still saw the polling transport, stays queued after the upgrade until the next packet (a ping,
 * 25 s later). Shown as a sender that sends to the polling transport just after the switch: on the library
 * alone it never arrives; with the workarounds (UpgradeNoops) it arrives at once.
 */
class LateSenderTest {

    @Test
    void netty_socketio_keeps_a_packet_sent_to_the_old_transport_as_the_upgrade_ends() throws Exception {
        assertThat(lateSend(false, Duration.ofSeconds(2)))
                .as("netty-socketio seems to be fixed: delete the flushes after the upgrade in"
                        + " plumbing/src/main/java/kata/plumbing/UpgradeNoops.java, and this test")
                .isFalse();
    }

    @Test
    void with_the_workarounds_it_reaches_the_client_on_its_websocket() throws Exception {
        assertThat(lateSend(true, Duration.ofSeconds(8)))
                .as("an event sent to the polling transport right after the upgrade should reach the client: see bug 13 in"
                        + " plumbing/src/main/java/kata/plumbing/UpgradeNoops.java")
                .isTrue();
    }

    /**
     * How many connections may stall in their upgrade before one completes it. On the library alone an
     * upgrade stalls now and then (bug 1, which UpgradeNoops fixes too, so it cannot be installed here):
     * such a connection cannot show bug 13, and the next one is tried.
     */
    private static final int ATTEMPTS = 3;

    /** Whether an event sent to the polling transport once the client is on websocket reaches it within {@code within}. */
    private static boolean lateSend(boolean workarounds, Duration within) throws Exception {
        SocketIOServer server = BareServers.server(workarounds);
        BlockingQueue<SocketIOClient> connected = new LinkedBlockingQueue<>();
        server.addConnectListener(connected::add);
        ChannelFuture bound = (ChannelFuture) server.startAsync().awaitUninterruptibly();
        int port = ((InetSocketAddress) bound.channel().localAddress()).getPort();
        try {
            for (int attempt = 1; ; attempt++) {
                try (Connection connection = Connection.toServer("http://127.0.0.1:" + port, Mode.POLLING_FIRST)) {
                    connection.awaitConnected();
                    SocketIOClient client = connected.poll(Connection.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                    assertThat(client).as("the server's connect listener was not called for a connected client").isNotNull();
                    try {
                        connection.awaitWebsocket(Connection.PATIENCE);
                    } catch (AssertionError stalled) {
                        if (!workarounds && attempt < ATTEMPTS) {
                            continue;
                        }
                        throw stalled;
                    }
                    return lateSend(connection, ((NamespaceClient) client).getBaseClient(), within);
                }
            }
        } finally {
            Thread stopping = new Thread(server::stop, "late-sender-stop");
            stopping.setDaemon(true);
            stopping.start();
        }
    }

    private static boolean lateSend(Connection connection, ClientHead head, Duration within) {
        // the server has handled the UPGRADE too
        await().atMost(Connection.PATIENCE).until(() -> head.getCurrentTransport() == Transport.WEBSOCKET);

        Packet event = new Packet(PacketType.MESSAGE, EngineIOVersion.V4);
        event.setSubType(PacketType.EVENT);
        event.setNsp("");
        event.setName("late");
        event.setData(List.of("sent as the transport switched"));
        // what a sender that read the transport just before the switch does
        head.send(event, Transport.POLLING);

        try {
            connection.awaitEvent("late", within, "");
            return true;
        } catch (AssertionError notThere) {
            return false;
        }
    }
}
