package kata.plumbing;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.namespace.NamespacesHub;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.store.pubsub.DispatchMessage;
import com.corundumstudio.socketio.store.pubsub.PubSubListener;
import com.corundumstudio.socketio.store.pubsub.PubSubMessage;
import com.corundumstudio.socketio.store.pubsub.PubSubStore;
import com.corundumstudio.socketio.store.pubsub.PubSubType;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A room broadcast that comes from another node (through Redis) reaches each connection here framed for
 * that connection's engine.io version.
 *
 * <p>netty-socketio 2.0.14: {@code SingleRoomBroadcastOperations.sendEvent} sets the packet's engine.io
 * version from each local client it sends to, then publishes that same packet to the other nodes
 * ({@code DispatchMessage}). When the sending node has no connection in the room, the version stays
 * {@code UNKNOWN}. {@code BaseStoreFactory}'s DISPATCH listener hands the packet to
 * {@code Namespace.dispatch} as it is, and {@code PacketEncoder.encodePacket} frames a packet that is not
 * {@code V4} for engine.io v3 in a poll answer (a binary length prefix). A v4 client that polls reads
 * garbage and drops its connection ("transport error"); over websocket the frame is the same for every
 * version, so only polling connections lose the event.
 *
 * <p>This store replaces the library's DISPATCH listener with one that sends each connection a copy of
 * the packet with that connection's version. It can go when the dispatch path sets each client's version
 * itself ({@code LibraryBugsTest} in app/ then fails). Websocket connections get the broadcast from
 * {@link DirectFanout}, as they get this node's own broadcasts.
 */
public final class RemoteBroadcasts implements PubSubStore {

    private final PubSubStore store;
    private final Supplier<NamespacesHub> namespaces;

    /** {@code namespaces}: the hub that the store factory's {@code init} receives, read when a message comes. */
    public RemoteBroadcasts(PubSubStore store, Supplier<NamespacesHub> namespaces) {
        this.store = store;
        this.namespaces = namespaces;
    }

    @Override
    public void publish(PubSubType type, PubSubMessage message) {
        store.publish(type, message);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends PubSubMessage> void subscribe(PubSubType type, PubSubListener<T> listener, Class<T> messageClass) {
        if (type == PubSubType.DISPATCH) {
            PubSubListener<DispatchMessage> dispatch = this::dispatch;
            store.subscribe(type, (PubSubListener<T>) dispatch, messageClass);
        } else {
            store.subscribe(type, listener, messageClass);
        }
    }

    /** What {@code Namespace.dispatch} does, each connection getting the packet with its own version. */
    void dispatch(DispatchMessage message) {
        NamespacesHub hub = namespaces.get();
        Namespace namespace = hub == null ? null : hub.get(message.getNamespace());
        if (namespace == null) {
            return;
        }
        Map<EngineIOVersion, Packet> byVersion = new EnumMap<>(EngineIOVersion.class);
        Consumer<SocketIOClient> library = client ->
                client.send(byVersion.computeIfAbsent(client.getEngineIOVersion(), version -> withVersion(message.getPacket(), version)));
        Iterable<SocketIOClient> clients = namespace.getRoomClients(message.getRoom());
        if (namespace instanceof DirectFanout.Rooms rooms) {
            // websocket connections get the frame directly, as this node's own broadcasts do (no version shapes a websocket
            // frame), from a copy whose version the fan-out sets per connection: the packet itself may be a polling client's
            Packet packet = message.getPacket();
            rooms.fanout.send(namespace, copy(packet, packet.getEngineIOVersion()), clients, client -> false, library);
        } else {
            clients.forEach(library);
        }
    }

    static Packet withVersion(Packet packet, EngineIOVersion version) {
        if (version == null || version == packet.getEngineIOVersion()) {
            return packet;
        }
        return copy(packet, version);
    }

    private static Packet copy(Packet packet, EngineIOVersion version) {
        Packet copy = new Packet(packet.getType(), version);
        copy.setSubType(packet.getSubType());
        copy.setAckId(packet.getAckId());
        copy.setName(packet.getName());
        copy.setNsp(packet.getNsp());
        copy.setData(packet.getData());
        // attachments (binary arguments) are buffers of the sending node: they never cross Redis
        return copy;
    }

    @Override
    public void unsubscribe(PubSubType type) {
        store.unsubscribe(type);
    }

    @Override
    public void shutdown() {
        store.shutdown();
    }
}
