package kata;

import com.corundumstudio.socketio.handler.AuthorizeHandler;
import com.corundumstudio.socketio.namespace.NamespacesHub;
import com.corundumstudio.socketio.protocol.JsonSupport;
import com.corundumstudio.socketio.store.MemoryStore;
import com.corundumstudio.socketio.store.RedissonStoreFactory;
import com.corundumstudio.socketio.store.Store;
import com.corundumstudio.socketio.store.pubsub.PubSubListener;
import com.corundumstudio.socketio.store.pubsub.PubSubMessage;
import com.corundumstudio.socketio.store.pubsub.PubSubStore;
import com.corundumstudio.socketio.store.pubsub.PubSubType;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import kata.plumbing.RemoteBroadcasts;

/**
 * netty-socketio's rooms across nodes: its own {@link RedissonStoreFactory}, which publishes room
 * broadcasts on Redis and replays the other nodes' ones here, with these changes (TUTORIAL.md, step 10):
 * <ul>
 * <li>only room broadcasts cross nodes. The library also publishes every join and leave of a room,
 * every connect and every disconnect, and every node copies the other nodes' session ids into its own
 * room maps, where nothing uses them and a dead node's stay: 3 to 7 messages per connection, to every
 * node. Here they are neither published nor listened to;</li>
 * <li>a connection's own data (its user) stays in this node's memory, where the connection is:
 * RedissonStore would read Redis on every event, and never deletes a closed connection's hash;</li>
 * <li>publishing never blocks nor throws where netty-socketio publishes (a Netty thread, an HTTP
 * request): broadcasts go out in order from a {@link RedisWriter} of their own;</li>
 * <li>channels carry the app's prefix ({@code kata:dispatch}), and messages the node's 64-bit id. The
 * library draws its id as {@code (long) (Math.random() * 1e6)} in a private field, and drops any message
 * that carries its own id: two nodes that drew the same one would never hear each other. So the store
 * that publishes is this class's own, and the library's is never used.</li>
 * </ul>
 */
final class RedisRooms extends RedissonStoreFactory {

    private final RedisLink redis;
    private final RedisWriter publishing;
    private final PubSubStore broadcasts;
    private volatile NamespacesHub namespaces;

    RedisRooms(RedisLink redis) {
        super(redis.client());
        this.redis = redis;
        this.publishing = redis.writer("publishing");
        // a bug of netty-socketio 2.0.14 (a broadcast from another node garbled for polling clients): plumbing/
        this.broadcasts = new RemoteBroadcasts(new Broadcasts(), () -> namespaces);
    }

    @Override
    public void init(NamespacesHub namespacesHub, AuthorizeHandler authorizeHandler, JsonSupport jsonSupport) {
        this.namespaces = namespacesHub;
        super.init(namespacesHub, authorizeHandler, jsonSupport);
    }

    @Override
    public Store createStore(UUID sessionId) {
        return new MemoryStore();
    }

    @Override
    public PubSubStore pubSubStore() {
        return broadcasts;
    }

    @Override
    public <K, V> Map<K, V> createMap(String name) {
        return redis.client().getMap(redis.key(name));
    }

    /** The Socket.IO server stops: so does this node's link to Redis. */
    @Override
    public void shutdown() {
        redis.shutdown();
    }

    /** RedissonPubSubStore, for room broadcasts only (DISPATCH): the other types are neither published nor listened to. */
    private final class Broadcasts implements PubSubStore {
        private final Map<PubSubType, List<Integer>> listeners = new ConcurrentHashMap<>();

        @Override
        public void publish(PubSubType type, PubSubMessage message) {
            if (type != PubSubType.DISPATCH) {
                return;
            }
            message.setNodeId(redis.nodeId());
            String channel = channel(type);
            publishing.submit("a broadcast", batch -> batch.getTopic(channel).publishAsync(message));
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T extends PubSubMessage> void subscribe(PubSubType type, PubSubListener<T> listener, Class<T> messageClass) {
            if (type != PubSubType.DISPATCH) {
                return;
            }
            int id = redis.client().getTopic(channel(type)).addListener(PubSubMessage.class, (channel, message) -> {
                // this node's own broadcast: its connections have it already
                if (message.getNodeId() == null || message.getNodeId() != redis.nodeId()) {
                    listener.onMessage((T) message);
                }
            });
            listeners.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>()).add(id);
        }

        @Override
        public void unsubscribe(PubSubType type) {
            List<Integer> ids = listeners.remove(type);
            if (ids != null) {
                redis.client().getTopic(channel(type)).removeListener(ids.toArray(Integer[]::new));
            }
        }

        @Override
        public void shutdown() {
        }

        private String channel(PubSubType type) {
            return redis.key(type.toString());
        }
    }
}
