package kata.plumbing;

import static org.assertj.core.api.Assertions.assertThat;

import com.corundumstudio.socketio.SocketIOServer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import kata.harness.Connection;
import kata.harness.Connection.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * With the workarounds installed, the server listens on Linux's native epoll where it loads and on NIO
 * everywhere else ({@link NativeTransport}), and either way a client connects, whichever transport it
 * starts with. The library alone stays on NIO.
 */
class NativeTransportTest {

    @ParameterizedTest(name = "a {0} client connects")
    @EnumSource(value = Mode.class, names = {"POLLING_FIRST", "WEBSOCKET_ONLY"})
    void the_server_runs_on_native_epoll_where_it_loads_and_clients_connect(Mode mode) throws Exception {
        SocketIOServer server = BareServers.server(true);
        try {
            Channel listening = start(server);
            assertThat(listening)
                    .as(Epoll.isAvailable()
                            ? "native epoll loads here: plumbing/src/main/java/kata/plumbing/NativeTransport.java should choose it"
                            : "no native epoll here (" + Epoll.unavailabilityCause() + "): the server should stay on NIO")
                    .isInstanceOf(Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class);
            int port = ((InetSocketAddress) listening.localAddress()).getPort();
            try (Connection connection = Connection.toServer("http://127.0.0.1:" + port, mode)) {
                connection.awaitConnected();
                if (mode == Mode.POLLING_FIRST) {
                    connection.awaitWebsocket(Connection.PATIENCE);
                }
            }
        } finally {
            stopInTheBackground(server);
        }
    }

    @Test
    void the_library_alone_listens_on_nio() {
        SocketIOServer server = BareServers.server(false);
        try {
            assertThat(start(server)).isInstanceOf(NioServerSocketChannel.class);
        } finally {
            stopInTheBackground(server);
        }
    }

    /** Netty's event loops wait 2 s for quiet before they stop: nothing here waits for that. */
    private static void stopInTheBackground(SocketIOServer server) {
        Thread stopping = new Thread(server::stop, "native-transport-stop");
        stopping.setDaemon(true);
        stopping.start();
    }


    private static Channel start(SocketIOServer server) {
        return ((ChannelFuture) server.startAsync().awaitUninterruptibly()).channel();
    }
}
