package kata.plumbing;

import com.corundumstudio.socketio.BroadcastAckCallback;
import com.corundumstudio.socketio.BroadcastOperations;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.MultiRoomBroadcastOperations;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIONamespace;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.handler.TransportState;
import com.corundumstudio.socketio.messages.OutPacketMessage;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.namespace.NamespacesHub;
import com.corundumstudio.socketio.protocol.EngineIOVersion;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketEncoder;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.store.StoreFactory;
import com.corundumstudio.socketio.store.pubsub.DispatchMessage;
import com.corundumstudio.socketio.store.pubsub.PubSubType;
import com.corundumstudio.socketio.transport.NamespaceClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A room broadcast written to the room's websocket connections as socket.io (Node) writes it: the
 * websocket frame built once, then written to every connection of an event loop from one task.
 *
 * <p>Not a bug, a limit of netty-socketio 2.0.14: {@code SingleRoomBroadcastOperations.send} calls
 * {@code ClientHead.send} for each client of the room, which offers the packet to the client's queue and
 * calls {@code channel.writeAndFlush(OutPacketMessage)} from the caller's thread: one task, with its
 * promise, handed to the connection's event loop per connection. On the loop, {@code EncoderHandler}
 * drains the queue, wraps the packet's bytes ({@link BroadcastEncoding} encodes them once) in a
 * {@code TextWebSocketFrame}, and writes that through the pipeline, where the frame encoder copies header
 * and payload into a new buffer: per connection. Here, {@link Rooms#getRoomOperations(String)} sends a
 * plain event to the room so:
 * <ol>
 *   <li>the packet is encoded once and framed once (header and payload in one direct buffer). A websocket
 *   frame is the same for engine.io v3 and v4 (they differ in the framing of poll answers only:
 *   {@code DirectFanoutTest} checks the library's bytes), so there is one frame per broadcast;</li>
 *   <li>the room's websocket connections are grouped by event loop, and each loop gets ONE task that writes
 *   a retained duplicate of the frame to each of its connections (below the frame encoder, so that an
 *   {@code SslHandler} still sees it) and flushes each;</li>
 *   <li>the packet is still offered to each client's queue, as {@code ClientHead.send} does, and the task
 *   takes it back out and writes the frame only when nothing is ahead of it. When something is (a packet
 *   sent to that client alone just before), the library drains the queue as it always does: a connection
 *   gets its packets in the order they were sent, whichever path each took;</li>
 *   <li>the broadcast is published to the other nodes as the library does ({@code DispatchMessage}), and
 *   one that comes from another node reaches this node's connections the same way
 *   ({@link RemoteBroadcasts}).</li>
 * </ol>
 * Everything else goes through the library unchanged: polling clients and clients mid-upgrade (their
 * packets go out in poll answers), events with binary arguments (attachments), events that ask for acks,
 * packets larger than {@code maxFramePayloadLength} (the library splits them into continuation frames),
 * and events sent to all clients or to another namespace.
 *
 * <p>Why the default namespace is replaced, and not a plumbing call in {@code UserRooms.sendTo}: the
 * learner writes {@code server.getRoomOperations(room).sendEvent(..)}, the guide's
 * {@code io.to(room).emit(..)}, in six steps; a plumbing call there would put this library's speed into
 * the lesson, and every other room broadcast (a learner's own, another node's) would still take the
 * slow path. The replacement's risk is contained: {@code SocketIOServer} keeps its default namespace in
 * two private fields ({@code mainNamespace}, and the {@code namespaces} map of its {@code NamespacesHub}),
 * and {@link #install} puts a {@link Rooms} in both once, before the server starts, and only over a
 * namespace that holds nothing yet (it refuses, logs why, and changes nothing otherwise). {@link Rooms}
 * is the library's {@link Namespace} but for {@code getRoomOperations}, and its operations hand all but
 * plain events to the library's own. If a later version renames a field this reads, room broadcasts go
 * through the library, as they would without this class: it logs once, and keeps working.
 *
 * <p>It can go when netty-socketio writes a broadcast's frame once, from one task per event loop: compare
 * {@code ./kata bench fanout} with {@code APP_JVM_OPTIONS=-Dkata.directFanout=off} (this class off) and
 * without (BENCHMARK.md, the fan-out section, "Direct fan-out").
 */
public final class DirectFanout {

    private static final Logger LOG = LoggerFactory.getLogger(DirectFanout.class);

    /** {@code -Dkata.directFanout=off}: room broadcasts through the library's path, to compare. */
    static final String SWITCH = "kata.directFanout";

    private final Configuration configuration;
    private final PacketEncoder encoder;
    private final AtomicBoolean warned = new AtomicBoolean();
    /** {@code ClientHead.channels} (private, no getter): where a client's websocket channel is. Null once unreadable. */
    private volatile Field transports;
    /** Where frames are allocated: direct, so that each write reaches the socket without a copy. */
    private volatile ByteBufAllocator frames = ByteBufAllocator.DEFAULT;
    /** Frames written directly, for the tests. */
    final LongAdder written = new LongAdder();

    private DirectFanout(Configuration configuration, Field transports) {
        this.configuration = configuration;
        this.encoder = new PacketEncoder(configuration, configuration.getJsonSupport());
        this.transports = transports;
    }

    /**
     * Replaces the server's default namespace with a {@link Rooms}, whose room broadcasts fan out directly.
     * Call it right after {@code new SocketIOServer(..)}, before any listener is added: it refuses (and
     * logs why) otherwise, and the library's path stays. True when installed.
     */
    static boolean install(SocketIOServer server) {
        if ("off".equals(System.getProperty(SWITCH))) {
            LOG.info("direct fan-out off (-D{}=off): room broadcasts go through netty-socketio's own path", SWITCH);
            return false;
        }
        try {
            NamespacesHub hub = (NamespacesHub) field(SocketIOServer.class, "namespacesHub").get(server);
            @SuppressWarnings("unchecked")
            Map<String, SocketIONamespace> namespaces = (Map<String, SocketIONamespace>) field(NamespacesHub.class, "namespaces").get(hub);
            Configuration configuration = (Configuration) field(NamespacesHub.class, "configuration").get(hub);
            Field main = field(SocketIOServer.class, "mainNamespace");
            Field transports = field(ClientHead.class, "channels");
            if (!Map.class.isAssignableFrom(transports.getType())) {
                throw new NoSuchFieldException("ClientHead.channels is no longer a map");
            }
            SocketIONamespace library = namespaces.get(Namespace.DEFAULT_NAME);
            if (!(library instanceof Namespace) || main.get(server) != library) {
                throw new IllegalStateException("the default namespace is not where netty-socketio 2.0.14 keeps it");
            }
            String used = inUse((Namespace) library);
            if (used != null) {
                LOG.warn("direct fan-out not installed: the default namespace already has {} (call SocketIoWorkarounds.install"
                        + " right after new SocketIOServer(..)); room broadcasts go through netty-socketio's own path", used);
                return false;
            }
            Rooms rooms = new Rooms(configuration, new DirectFanout(configuration, transports));
            if (!namespaces.replace(Namespace.DEFAULT_NAME, library, rooms)) {
                throw new IllegalStateException("the default namespace changed meanwhile");
            }
            try {
                main.set(server, rooms);
            } catch (ReflectiveOperationException | RuntimeException e) {
                namespaces.replace(Namespace.DEFAULT_NAME, rooms, library);
                throw e;
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("direct fan-out not installed ({}): room broadcasts go through netty-socketio's own path", e.toString());
            return false;
        }
    }

    /** The fan-out of this server's default namespace, null when {@link #install} did not install it. */
    static DirectFanout of(SocketIOServer server) {
        return server.getNamespace(Namespace.DEFAULT_NAME) instanceof Rooms rooms ? rooms.fanout : null;
    }

    /** What the library's namespace already holds (a listener, a client), or null when it holds nothing. */
    private static String inUse(Namespace namespace) throws IllegalAccessException {
        for (Field field : Namespace.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            field.setAccessible(true);
            Object value = field.get(namespace);
            if (value instanceof Collection<?> collection && !collection.isEmpty()
                    || value instanceof Map<?, ?> map && !map.isEmpty()) {
                return field.getName();
            }
        }
        return null;
    }

    private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
        Field field = owner.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }

    /**
     * Sends {@code packet} to the {@code clients} of {@code namespace} that {@code skipped} does not select:
     * to a websocket connection directly when it can, to any other through {@code library} (what the
     * library's broadcast does for one client).
     */
    void send(Namespace namespace, Packet packet, Iterable<SocketIOClient> clients, Predicate<SocketIOClient> skipped,
            Consumer<SocketIOClient> library) {
        Field transports = this.transports;
        // made when the first websocket connection is met: a room of polling clients, or none, costs no frame
        ByteBuf frame = null;
        boolean framed = transports == null;
        Map<EventLoop, Batch> batches = new IdentityHashMap<>();
        try {
            for (SocketIOClient client : clients) {
                if (skipped.test(client)) {
                    continue;
                }
                Target target = framed && frame == null ? null : websocketOf(client, namespace, packet, transports);
                if (target != null && !framed) {
                    frame = frameOf(packet);
                    framed = true;
                }
                if (target == null || frame == null) {
                    library.accept(client);
                    continue;
                }
                // as SingleRoomBroadcastOperations.send does: a packet that the library drains is framed for this client
                packet.setEngineIOVersion(target.head.getEngineIOVersion());
                // as ClientHead.send does: in the client's queue, behind what was sent to it before
                target.queue.add(packet);
                ByteBuf shared = frame;
                batches.computeIfAbsent(target.channel.eventLoop(), loop -> new Batch(packet, shared)).targets.add(target);
            }
            batches.forEach((loop, batch) -> batch.start(loop));
        } finally {
            if (frame != null) {
                frame.release();
            }
        }
    }

    /** The client's websocket, when the frame can be written to it directly; null when it goes through the library. */
    private Target websocketOf(SocketIOClient client, Namespace namespace, Packet packet, Field transports) {
        if (!(client instanceof NamespaceClient namespaceClient)) {
            return null;
        }
        ClientHead head = namespaceClient.getBaseClient();
        // polling, or upgrading (the transport switches when the upgrade ends): the library's poll answers
        if (head.getCurrentTransport() != Transport.WEBSOCKET || !head.isConnected() || head.getChildClient(namespace) == null
                // NamespaceClient.send sends a copy of a packet of another namespace
                || !namespace.getName().equalsIgnoreCase(packet.getNsp())) {
            return null;
        }
        Object state;
        try {
            state = ((Map<?, ?>) transports.get(head)).get(Transport.WEBSOCKET);
        } catch (ReflectiveOperationException | RuntimeException e) {
            forget(e);
            return null;
        }
        if (!(state instanceof TransportState websocket)) {
            forget(new IllegalStateException("ClientHead.channels holds no websocket state"));
            return null;
        }
        Channel channel = websocket.getChannel();
        if (channel == null || !channel.isActive()) {
            return null;
        }
        return new Target(head, channel, websocket.getPacketsQueue());
    }

    /**
     * The websocket frame of a plain event (a text frame, final, unmasked as a server's are), or null when
     * the event goes through the library: an ack, binary arguments, too large for one frame.
     */
    ByteBuf frameOf(Packet packet) {
        if (packet.getType() != PacketType.MESSAGE || packet.getSubType() != PacketType.EVENT || packet.getAckId() != null
                || packet.hasAttachments()) {
            return null;
        }
        // encoding marks a packet with byte[] arguments as binary: a copy is encoded, the library's packet stays as it was
        Packet copy = new Packet(PacketType.MESSAGE, packet.getEngineIOVersion());
        copy.setSubType(PacketType.EVENT);
        copy.setName(packet.getName());
        copy.setNsp(packet.getNsp());
        copy.setData(packet.getData());
        ByteBufAllocator allocator = frames;
        ByteBuf payload = allocator.heapBuffer();
        try {
            encoder.encodePacket(copy, payload, allocator, true);
            int length = payload.readableBytes();
            if (copy.hasAttachments() || length > configuration.getMaxFramePayloadLength()) {
                return null;
            }
            // RFC 6455 5.2, as Netty's WebSocket08FrameEncoder writes a TextWebSocketFrame: FIN and opcode 1, then the length
            ByteBuf frame = allocator.directBuffer((length < 126 ? 2 : length <= 0xFFFF ? 4 : 10) + length);
            frame.writeByte(0x81);
            if (length < 126) {
                frame.writeByte(length);
            } else if (length <= 0xFFFF) {
                frame.writeByte(126);
                frame.writeShort(length);
            } else {
                frame.writeByte(127);
                frame.writeLong(length);
            }
            frame.writeBytes(payload);
            return frame;
        } catch (IOException | RuntimeException e) {
            // the library meets the same arguments on its path, and reports what it makes of them its own way
            return null;
        } finally {
            payload.release();
        }
    }

    /** Reflection failed on this version of the library: from now on every client goes through the library. */
    void forget(Exception why) {
        transports = null;
        if (warned.compareAndSet(false, true)) {
            LOG.warn("direct fan-out off ({}): room broadcasts go through netty-socketio's own path", why.toString());
        }
    }

    /** For the tests: where frames are allocated. */
    void allocateFramesWith(ByteBufAllocator allocator) {
        frames = allocator;
    }

    private record Target(ClientHead head, Channel channel, Queue<Packet> queue) {
    }

    /** One broadcast's connections on one event loop, written from one task. */
    private final class Batch implements Runnable {
        private final Packet packet;
        private final ByteBuf frame;
        final List<Target> targets = new ArrayList<>();

        Batch(Packet packet, ByteBuf frame) {
            this.packet = packet;
            this.frame = frame;
        }

        void start(EventLoop loop) {
            frame.retain();
            if (loop.inEventLoop()) {
                run();
                return;
            }
            try {
                loop.execute(this);
            } catch (RejectedExecutionException stopping) {
                // the server stops: these connections close with their loop
                frame.release();
            }
        }

        @Override
        public void run() {
            try {
                for (Target target : targets) {
                    try {
                        deliver(target);
                    } catch (RuntimeException e) {
                        LOG.debug("a broadcast to {} failed", target.channel, e);
                    }
                }
            } finally {
                frame.release();
            }
        }

        private void deliver(Target target) {
            Queue<Packet> queue = target.queue;
            // the frame encoder's context: what is written from it goes on to the socket (through TLS, if any)
            ChannelHandlerContext below = target.channel.pipeline().context(WebSocketFrameEncoder.class);
            // on the loop, where the library drains this queue too; remove() is atomic should anything else poll it
            if (below != null && queue.peek() == packet && queue.remove(packet)) {
                below.writeAndFlush(frame.retainedDuplicate());
                written.increment();
            } else if (!queue.isEmpty()) {
                // something was ahead of it, or it was drained already: what ClientHead.send does, the library drains in order
                target.channel.writeAndFlush(new OutPacketMessage(target.head, Transport.WEBSOCKET));
            }
        }
    }

    /**
     * The default namespace, as the library's, but for its room operations: a plain event sent to a room
     * fans out directly ({@link DirectFanout}), the rest is the library's.
     */
    static final class Rooms extends Namespace {

        final DirectFanout fanout;
        private final StoreFactory store;

        Rooms(Configuration configuration, DirectFanout fanout) {
            super(Namespace.DEFAULT_NAME, configuration);
            this.fanout = fanout;
            this.store = configuration.getStoreFactory();
        }

        @Override
        public BroadcastOperations getRoomOperations(String room) {
            return new Room(room, super.getRoomOperations(room));
        }

        @Override
        public BroadcastOperations getRoomOperations(String... rooms) {
            List<BroadcastOperations> operations = new ArrayList<>();
            for (String room : rooms) {
                operations.add(getRoomOperations(room));
            }
            return new MultiRoomBroadcastOperations(operations);
        }

        /** {@code SingleRoomBroadcastOperations}, but for plain events. */
        private final class Room implements BroadcastOperations {
            private final String room;
            private final BroadcastOperations library;

            Room(String room, BroadcastOperations library) {
                this.room = room;
                this.library = library;
            }

            @Override
            public void sendEvent(String name, Object... data) {
                sendEvent(name, client -> false, data);
            }

            @Override
            public void sendEvent(String name, SocketIOClient excluded, Object... data) {
                sendEvent(name, client -> Objects.equals(client.getSessionId(), excluded.getSessionId()), data);
            }

            @Override
            public void sendEvent(String name, Predicate<SocketIOClient> excluded, Object... data) {
                Packet packet = new Packet(PacketType.MESSAGE, EngineIOVersion.UNKNOWN);
                packet.setSubType(PacketType.EVENT);
                packet.setName(name);
                packet.setData(Arrays.asList(data));
                send(packet, excluded);
            }

            @Override
            public void send(Packet packet) {
                send(packet, client -> false);
            }

            private void send(Packet packet, Predicate<SocketIOClient> excluded) {
                fanout.send(Rooms.this, packet, getRoomClients(room), excluded, client -> {
                    packet.setEngineIOVersion(client.getEngineIOVersion());
                    client.send(packet);
                });
                // the other nodes' connections, as SingleRoomBroadcastOperations.dispatch publishes it
                store.pubSubStore().publish(PubSubType.DISPATCH, new DispatchMessage(room, packet, getName()));
            }

            @Override
            public Collection<SocketIOClient> getClients() {
                return library.getClients();
            }

            @Override
            public <T> void send(Packet packet, BroadcastAckCallback<T> ackCallback) {
                library.send(packet, ackCallback);
            }

            @Override
            public <T> void sendEvent(String name, Object data, BroadcastAckCallback<T> ackCallback) {
                library.sendEvent(name, data, ackCallback);
            }

            @Override
            public <T> void sendEvent(String name, Object data, SocketIOClient excluded, BroadcastAckCallback<T> ackCallback) {
                library.sendEvent(name, data, excluded, ackCallback);
            }

            @Override
            public <T> void sendEvent(String name, Object data, Predicate<SocketIOClient> excluded, BroadcastAckCallback<T> ackCallback) {
                library.sendEvent(name, data, excluded, ackCallback);
            }

            @Override
            public void disconnect() {
                library.disconnect();
            }
        }
    }
}
