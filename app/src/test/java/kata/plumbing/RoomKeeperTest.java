package kata.plumbing;

import static org.assertj.core.api.Assertions.assertThat;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.namespace.Namespace;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The default namespace's room is never removed, so that netty-socketio's {@code Namespace.onConnect}
 * (contains the room? then get it) cannot meet it gone between its two calls:
 * plumbing/src/main/java/kata/plumbing/SocketIoWorkarounds.java, ROOM_KEEPER.
 */
class RoomKeeperTest {

    @Test
    void without_the_workaround_the_last_session_to_leave_the_namespace_room_removes_it() {
        // the library's own Namespace, without a server (whose default initializer would hold a timer)
        Namespace namespace = new Namespace(Namespace.DEFAULT_NAME, new Configuration());

        joinAndLeave(namespace);

        assertThat(namespace.getRooms()).as("netty-socketio 2.0.14 removes an emptied room: the window of the race."
                + " If this fails, the library keeps its namespace room, and ROOM_KEEPER can go").doesNotContain(Namespace.DEFAULT_NAME);
    }

    @Test
    void with_the_workaround_the_namespace_room_stays_and_lists_no_client_that_is_not_one() {
        Configuration configuration = new Configuration();
        configuration.setHostname("127.0.0.1");
        configuration.setPort(0);
        SocketIOServer server = new SocketIOServer(configuration);
        SocketIoWorkarounds.install(server);
        server.startAsync().awaitUninterruptibly();
        try {
            Namespace namespace = defaultNamespace(server);

            joinAndLeave(namespace);

            assertThat(namespace.getRooms()).as("the namespace's room, after its last session left").contains(Namespace.DEFAULT_NAME);
            assertThat(server.getRoomOperations(Namespace.DEFAULT_NAME).getClients()).as("the keeper is no client: broadcasts skip it")
                    .isEmpty();
        } finally {
            // its timers stop with it; Netty's quiet period is waited out on a thread of its own
            Thread stopping = new Thread(server::stop, "socket.io-stop");
            stopping.setDaemon(true);
            stopping.start();
        }
    }

    private static void joinAndLeave(Namespace namespace) {
        UUID session = UUID.randomUUID();
        namespace.join(Namespace.DEFAULT_NAME, session);
        namespace.leave(Namespace.DEFAULT_NAME, session);
    }

    private static Namespace defaultNamespace(SocketIOServer server) {
        return (Namespace) server.getNamespace(Namespace.DEFAULT_NAME);
    }
}
