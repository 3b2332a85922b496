package kata;

import static org.assertj.core.api.Assertions.assertThat;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SingleRoomBroadcastOperations;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.JacksonJsonSupport;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketEncoder;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.store.MemoryStoreFactory;
import com.corundumstudio.socketio.store.pubsub.DispatchMessage;
import com.corundumstudio.socketio.store.pubsub.PubSubListener;
import com.corundumstudio.socketio.store.pubsub.PubSubMessage;
import com.corundumstudio.socketio.store.pubsub.PubSubStore;
import com.corundumstudio.socketio.store.pubsub.PubSubType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.util.CharsetUtil;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import kata.harness.Connection;
import kata.harness.Connection.Mode;
import org.junit.jupiter.api.Test;

/**
 * Bugs of netty-socketio that plumbing/ works around, shown on the library alone. These tests
 * pass while the bugs are there. When one FAILS after an upgrade of netty-socketio, the library is
 * fixed: delete the workaround it names (and this test), see docs/netty-socketio-bugs.md.
 */
class LibraryBugsTest {

    private static final String FIXED = "netty-socketio seems to be fixed: delete ";

    @Test
    void netty_socketio_loses_the_packet_over_the_limit_of_a_poll_answer() throws Exception {
        Queue<Packet> queue = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < 51; i++) {
            queue.add(new Packet(PacketType.NOOP, EngineIOVersion.V4));
        }
        ByteBuf answer = Unpooled.buffer();

        // what EncoderHandler does for a poll: at most 50 packets per answer
        new PacketEncoder(new Configuration(), new JacksonJsonSupport()).encodePackets(queue, answer, UnpooledByteBufAllocator.DEFAULT, 50);

        int written = answer.toString(CharsetUtil.UTF_8).split("\u001e").length;
        answer.release();
        assertThat(written).as("packets written in the answer").isEqualTo(50);
        assertThat(queue).as(FIXED + "plumbing/src/main/java/kata/plumbing/PollAnswerLimit.java. The 51st packet"
                + " is left for the next poll instead of being taken and dropped").isEmpty();
    }

    @Test
    void netty_socketio_sends_other_nodes_a_room_broadcast_without_an_engine_io_version_when_no_local_client_is_in_the_room() throws Exception {
        List<PubSubMessage> published = new ArrayList<>();
        MemoryStoreFactory storeFactory = new MemoryStoreFactory() {
            @Override
            public PubSubStore pubSubStore() {
                return new PubSubStore() {
                    @Override
                    public void publish(PubSubType type, PubSubMessage message) {
                        published.add(message);
                    }

                    @Override
                    public <T extends PubSubMessage> void subscribe(PubSubType type, PubSubListener<T> listener, Class<T> clazz) {
                    }

                    @Override
                    public void unsubscribe(PubSubType type) {
                    }

                    @Override
                    public void shutdown() {
                    }
                };
            }
        };

        // what UserRooms.sendTo does on a node where the user has no connection: the event goes to the other nodes only
        new SingleRoomBroadcastOperations(Namespace.DEFAULT_NAME, "user:1", List.of(), storeFactory).sendEvent("foo", "bar");

        Packet dispatched = ((DispatchMessage) published.get(0)).getPacket();
        Queue<Packet> queue = new ConcurrentLinkedQueue<>(List.of(dispatched));
        ByteBuf answer = Unpooled.buffer();
        new PacketEncoder(new Configuration(), new JacksonJsonSupport()).encodePackets(queue, answer, UnpooledByteBufAllocator.DEFAULT, 50);
        byte first = answer.getByte(0);
        answer.release();
        assertThat(dispatched.getEngineIOVersion()).as(FIXED + "plumbing/src/main/java/kata/plumbing/RemoteBroadcasts.java. A"
                + " broadcast published to the other nodes carries an engine.io version").isEqualTo(EngineIOVersion.UNKNOWN);
        assertThat(first).as("the first byte of a poll answer holding it: engine.io v3's binary framing, which a v4 client cannot read")
                .isEqualTo((byte) 0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void netty_socketio_fails_a_connect_when_the_namespace_room_empties_between_its_two_reads() throws Exception {
        Namespace namespace = new Namespace(Namespace.DEFAULT_NAME, new Configuration());
        // the interleaving, forced: the room is there when onConnect asks, and gone when it reads it
        Field field = Namespace.class.getDeclaredField("roomClients");
        field.setAccessible(true);
        ConcurrentMap<String, Set<UUID>> rooms = (ConcurrentMap<String, Set<UUID>>) field.get(namespace);
        field.set(namespace, new ConcurrentHashMap<String, Set<UUID>>(rooms) {
            @Override
            public boolean containsKey(Object key) {
                return true;
            }
        });
        UUID session = UUID.randomUUID();
        SocketIOClient client = (SocketIOClient) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {SocketIOClient.class},
                (proxy, method, args) -> method.getName().equals("getSessionId") ? session : null);

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> namespace.onConnect(client));

        assertThat(thrown).as(FIXED + "connectAgain in plumbing/src/main/java/kata/plumbing/ConnectBeforeOpen.java."
                + " Namespace.onConnect reads the namespace's room once").isInstanceOf(NullPointerException.class);
    }

    @Test
    void netty_socketio_stalls_an_upgrade_whose_probe_answer_comes_after_the_polling_noop() {
        Configuration configuration = new Configuration();
        configuration.setHostname("127.0.0.1");
        configuration.setPort(0);
        SocketIOServer bare = new SocketIOServer(configuration);
        ChannelFuture bound = (ChannelFuture) bare.startAsync().awaitUninterruptibly();
        int port = ((InetSocketAddress) bound.channel().localAddress()).getPort();
        try (Connection connection = Connection.toServer("http://127.0.0.1:" + port, Mode.POLLING_FIRST_LATE_PROBE_ANSWER)) {
            connection.awaitConnected();

            assertThat(connection.reachesWebsocketWithin(Duration.ofSeconds(2)))
                    .as(FIXED + "plumbing/src/main/java/kata/plumbing/UpgradeNoops.java. A poll opened during the"
                            + " upgrade is now answered, so the upgrade completes")
                    .isFalse();
        } finally {
            Thread stopping = new Thread(bare::stop, "bare-socket.io-stop");
            stopping.setDaemon(true);
            stopping.start();
        }
    }
}
