package kata.plumbing;

import static org.assertj.core.api.Assertions.assertThat;

import com.corundumstudio.socketio.SocketIOServer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultithreadEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.lang.reflect.Field;
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
    void the_server_has_one_event_loop_per_two_cores_and_accepts_on_them() throws Exception {
        SocketIOServer server = BareServers.server(true);
        try {
            Channel listening = start(server);
            assertThat(loops(workers(server))).as("event loops that serve the connections: one per two cores, at least one."
                    + " Open plumbing/src/main/java/kata/plumbing/NativeTransport.java")
                    .isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
            assertThat(listening.eventLoop().parent()).as("the group of the event loop that accepts: the loops that serve,"
                    + " not a group of its own. Open plumbing/src/main/java/kata/plumbing/NativeTransport.java").isSameAs(workers(server));
            assertThat(accepting(server)).as("the server's group that accepts, which SocketIOServer.stop() shuts down: the group that serves")
                    .isSameAs(workers(server));
        } finally {
            stopInTheBackground(server);
        }
    }

    @Test
    void an_app_that_chose_its_number_of_event_loops_keeps_it() {
        assertThat(NativeTransport.eventLoops(3)).isEqualTo(3);
        assertThat(NativeTransport.eventLoops(0)).isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
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


    private static int loops(EventLoopGroup group) {
        return ((MultithreadEventLoopGroup) group).executorCount();
    }

    /** The library keeps its groups of event loops to itself. */
    private static EventLoopGroup workers(SocketIOServer server) throws ReflectiveOperationException {
        return group(server, "workerGroup");
    }

    private static EventLoopGroup accepting(SocketIOServer server) throws ReflectiveOperationException {
        return group(server, "bossGroup");
    }

    private static EventLoopGroup group(SocketIOServer server, String name) throws ReflectiveOperationException {
        Field field = SocketIOServer.class.getDeclaredField(name);
        field.setAccessible(true);
        return (EventLoopGroup) field.get(server);
    }

    private static Channel start(SocketIOServer server) {
        return ((ChannelFuture) server.startAsync().awaitUninterruptibly()).channel();
    }
}
