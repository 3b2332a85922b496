package kata.plumbing;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.handler.AuthorizeHandler;
import com.corundumstudio.socketio.handler.ClientsBox;
import com.corundumstudio.socketio.handler.EncoderHandler;
import com.corundumstudio.socketio.handler.InPacketHandler;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.namespace.NamespacesHub;
import com.corundumstudio.socketio.scheduler.CancelableScheduler;
import io.netty.channel.ChannelPipeline;
import java.io.IOException;
import java.lang.reflect.Field;

/**
 * Works around the bugs of netty-socketio 2.0.14 from the outside, without patching its classes (all of
 * them, and how many, are in docs/netty-socketio-bugs.md). The two that lose data:
 *
 * <ol>
 *   <li>{@code PacketListener.onPacket} answers the websocket probe ({@code 2probe}) with {@code 3probe}
 *       and ONE polling {@code NOOP}. When the client reads the NOOP before {@code 3probe}, it opens
 *       another poll and waits for it before it completes the upgrade; nothing ever answers that poll,
 *       so the upgrade stalls until {@code upgradeTimeout} (10 s), when the server drops the session
 *       without telling the client. Fixed here by {@link UpgradeNoops}: a NOOP every 100 ms on the
 *       polling transport for as long as an upgrade lasts, as engine.io does.</li>
 *   <li>{@code PacketEncoder.encodePackets} and {@code encodeJsonP} take a packet off the queue
 *       before they check the limit of 50 packets per poll answer that {@code EncoderHandler} passes:
 *       the 51st packet is taken and never written. Fixed here by {@link PollAnswerLimit}.</li>
 * </ol>
 *
 * <p>More, smaller ones make ordinary clients look like errors, linger, or be dropped: see {@link UnknownSessions}
 * (a request of a session that just ended is answered 400 as engine.io does, not 500 with an ERROR
 * line), {@link OrphanSessions} (a session that a poll brings back after its disconnect is
 * disconnected again, instead of staying in its rooms for good), {@link ConnectionClose} (answers
 * say the connection closes, as it does, so that a client's goodbye is not sent on a dead one) and
 * {@link StrayDisconnects} (a poll's end does not send "disconnect" to a live client). And
 * {@link ConnectBeforeOpen} makes the connect listeners of the handshake run before the client can
 * send its CONNECT, not beside it, and tries again when the library's check of the namespace's room
 * races its last member leaving it. {@link Preflights} answers a CORS preflight without making a
 * session of it, and {@link UnreadableRequests} refuses a request whose headers are too large to read
 * (431) instead of letting it pass for one without them. From step 08 on, {@link ConnectGate} gives
 * the app the connection lifecycle of Node's socket.io: every CONNECT decided before it is answered.
 *
 * <p>All are written up in docs/netty-socketio-bugs.md. They can go when a netty-socketio release
 * fixes them: then {@code LibraryBugsTest} (in app/) fails, and this class, its two helpers and the
 * one call in each SocketServer can be deleted; all but four choices that are no workarounds and
 * stay: {@link BroadcastEncoding}, which encodes an event sent to a room once, {@link DirectFanout}, which
 * writes a room broadcast's websocket frame once per event loop, websockets
 * without compression, as engine.io's (see {@link Pipeline#start}), the limit of handshakes
 * per client address ({@link HandshakeLimit}, from step 09 on), and the limit of what may wait
 * to be sent to a client that does not read ({@link SlowConsumers}).
 *
 * <pre>
 * SocketIOServer server = new SocketIOServer(configuration);
 * SocketIoWorkarounds.install(server);   // before server.start()
 * SocketIoWorkarounds.install(server, limit, gate);   // and a limit of handshakes (step 09 on), the CONNECT gate (08 on)
 * SocketIoWorkarounds.install(server, limit, gate, new SlowConsumers(bytes));   // and a limit of its own on what waits for a slow client
 * </pre>
 */
public final class SocketIoWorkarounds {


    private SocketIoWorkarounds() {
    }

    /** Replaces the server's channel initializer with one that carries both fixes. Call it before start(). */
    public static void install(SocketIOServer server) {
        install(server, null, null);
    }

    /**
     * The same, and a limit of handshakes per client address: one over the limit is answered 429 with a
     * {@code Retry-After} header before a session is made ({@link HandshakeLimit}). Not a workaround: it
     * lives here because it is a handler of the same pipeline.
     */
    public static void install(SocketIOServer server, HandshakeGate handshakes) {
        install(server, handshakes, null);
    }

    /**
     * The same, and the connection lifecycle of Node's socket.io (from step 08 on, where a CONNECT may carry
     * the token): every CONNECT is decided by {@code connects} before anything is answered ({@link ConnectGate}).
     * {@code handshakes} may be null (no limit).
     */
    public static void install(SocketIOServer server, HandshakeGate handshakes, ConnectGate connects) {
        install(server, handshakes, connects, new SlowConsumers(SlowConsumers.DEFAULT_LIMIT));
    }

    /**
     * The same, with a limit of its own on the bytes that may wait for one connection before it is closed as too
     * slow ({@link SlowConsumers}; the other calls give it {@link SlowConsumers#DEFAULT_LIMIT}). Not a
     * workaround either: the library has no such limit, nor has Node's socket.io.
     */
    public static void install(SocketIOServer server, HandshakeGate handshakes, ConnectGate connects, SlowConsumers slow) {
        // first: it replaces the default namespace, which must hold nothing yet
        DirectFanout.install(server);
        releaseDefaultInitializer(server);
        server.setPipelineFactory(new Pipeline(server, handshakes, connects, slow));
        // netty-socketio turns SO_REUSEADDR off (SocketConfig), where the JDK turns it on: a node restarted
        // after a kill -9 could not listen on its port again until the old connections' TIME_WAIT ends
        server.getConfiguration().getSocketConfig().setReuseAddress(true);
        NativeTransport.choose(server);
    }

    /** The library's own initializer, with the handlers that fix it. */
    static final class Pipeline extends SocketIOChannelInitializer {

        static final String UPGRADE_NOOPS = "upgradeNoops";
        static final String UNKNOWN_SESSIONS = "unknownSessions";
        static final String CONNECTION_CLOSE = "connectionClose";
        static final String STRAY_DISCONNECTS = "strayDisconnects";
        private static final StrayDisconnects STRAY_DISCONNECTS_HANDLER = new StrayDisconnects();
        static final String CONNECT_BEFORE_OPEN = "connectBeforeOpen";
        static final String HANDSHAKE_LIMIT = "handshakeLimit";
        static final String PREFLIGHTS = "preflights";
        static final String UNREADABLE_REQUESTS = "unreadableRequests";
        static final String SLOW_CONSUMERS = "slowConsumers";
        private static final ConnectionClose CONNECTION_CLOSE_HANDLER = new ConnectionClose();
        private static final UnreadableRequests UNREADABLE_REQUESTS_HANDLER = new UnreadableRequests();

        private final HandshakeGate handshakes;
        private final ConnectGate connects;
        private final SlowConsumers slow;
        private GatedPackets gatedPackets;
        private Preflights preflights;
        private HandshakeLimit handshakeLimit;
        private EncoderHandler encoder;
        private UpgradeNoops upgradeNoops;
        private UnknownSessions unknownSessions;
        private OrphanSessions orphanSessions;
        private ConnectBeforeOpen connectBeforeOpen;

        private final SocketIOServer server;

        Pipeline(SocketIOServer server, HandshakeGate handshakes, ConnectGate connects, SlowConsumers slow) {
            this.server = server;
            this.handshakes = handshakes;
            this.connects = connects;
            this.slow = slow;
        }

        @Override
        public void start(Configuration configuration, NamespacesHub namespacesHub) {
            // Not a bug, a default: netty-socketio compresses every websocket message (permessage-deflate)
            // for every client that offers it, as browsers and the Node client do, where engine.io does
            // not (perMessageDeflate: false). A compressor per connection cannot share a room's encoded
            // event: measured at 2,000 connections, it cost 1.7x the CPU per delivery, half the
            // deliveries per second and 105 KB more memory per connection (BENCHMARK.md). This is the
            // server's own copy of the configuration, read by super.start() below.
            configuration.setWebsocketCompression(false);
            // the server's groups of event loops exist from here on (SocketIOServer.startAsync), and are not yet used
            NativeTransport.acceptOnTheServingLoops(server);
            super.start(configuration, namespacesHub);
            try {
                encoder = new EncoderHandler(configuration, new PollAnswerLimit(configuration, configuration.getJsonSupport()));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            upgradeNoops = new UpgradeNoops(configuration.getUpgradeTimeout());
            ClientsBox registry = registry();
            if (registry != null) {
                unknownSessions = new UnknownSessions(registry, configuration);
                orphanSessions = new OrphanSessions(namespacesHub, registry);
            }
            if (handshakes != null) {
                handshakeLimit = new HandshakeLimit(handshakes, configuration.getContext(), configuration.getOrigin(), configuration.isEnableCors());
            }
            preflights = new Preflights(configuration);
            AuthorizeHandler authorization = authorizationOf(this);
            if (authorization != null) {
                connectBeforeOpen = new ConnectBeforeOpen(authorization, namespacesHub, configuration.getContext(), connects);
            }
            if (connects != null) {
                gatedPackets = GatedPackets.around(packetHandlerOf(this), connects);
                if (gatedPackets == null || connectBeforeOpen == null) {
                    throw new IllegalStateException("this version of netty-socketio is not the one ConnectGate was written for (2.0.14)");
                }
                namespacesHub.get(Namespace.DEFAULT_NAME).addDisconnectListener(client -> connects.closed(client.getSessionId()));
            }
        }

        @Override
        protected void addSocketioHandlers(ChannelPipeline pipeline) {
            super.addSocketioHandlers(pipeline);
            pipeline.replace(SOCKETIO_ENCODER, SOCKETIO_ENCODER, encoder);
            // a CORS preflight is answered here: the library would make a session of it
            pipeline.addBefore(AUTHORIZE_HANDLER, PREFLIGHTS, preflights);
            if (gatedPackets != null) {
                pipeline.replace(PACKET_HANDLER, PACKET_HANDLER, gatedPackets);
            }
            // sees every packet the websocket brings, the probe among them, before the library reads it
            pipeline.addBefore(PACKET_HANDLER, UPGRADE_NOOPS, upgradeNoops);
            // only a websocket's end reaches WebSocketTransport.channelInactive
            pipeline.addBefore(WEB_SOCKET_TRANSPORT, STRAY_DISCONNECTS, STRAY_DISCONNECTS_HANDLER);
            // sees every HTTP answer on its way to the encoder
            pipeline.addAfter(HTTP_ENCODER, CONNECTION_CLOSE, CONNECTION_CLOSE_HANDLER);
            // a request Netty could not read whole (its headers too large) is refused, never taken for one without
            // them: right after the encoder, so that its answer goes through the encoder and nothing else
            pipeline.addAfter(HTTP_ENCODER, UNREADABLE_REQUESTS, UNREADABLE_REQUESTS_HANDLER);
            if (unknownSessions != null) {
                // after the handshake's authorization, before the transports look the session up
                pipeline.addBefore(XHR_POLLING_TRANSPORT, UNKNOWN_SESSIONS, unknownSessions);
            }
            if (handshakeLimit != null) {
                // before the library's handshake makes a session, and before the app's AuthorizationListener runs
                pipeline.addBefore(AUTHORIZE_HANDLER, HANDSHAKE_LIMIT, handshakeLimit);
            }
            if (connectBeforeOpen != null) {
                // after the handshake's authorization made the session, before a transport sends its OPEN
                pipeline.addBefore(XHR_POLLING_TRANSPORT, CONNECT_BEFORE_OPEN, connectBeforeOpen);
            }
            // first, nearest the socket: every write of every handler passes it, whatever wrote it
            pipeline.addFirst(SLOW_CONSUMERS, slow.newHandler());
        }

        @Override
        public void stop() {
            if (orphanSessions != null) {
                orphanSessions.close();
            }
            if (connects != null) {
                connects.stop();
            }
            super.stop();
        }

        /**
         * The library's registry of live sessions, the one its transports look sessions up in. It has
         * no getter; if a later version renames it, the two fixes that need it are left out.
         */
        private ClientsBox registry() {
            try {
                Field field = SocketIOChannelInitializer.class.getDeclaredField("clientsBox");
                field.setAccessible(true);
                return (ClientsBox) field.get(this);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
    }

    /**
     * The library's handler that connects a session to the default namespace. No getter either; if a
     * later version renames it, {@link ConnectBeforeOpen} is left out.
     */
    private static AuthorizeHandler authorizationOf(SocketIOChannelInitializer initializer) {
        try {
            Field field = SocketIOChannelInitializer.class.getDeclaredField("authorizeHandler");
            field.setAccessible(true);
            return (AuthorizeHandler) field.get(initializer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The library's handler of the packets clients send, which {@link GatedPackets} wraps. No getter either. */
    private static InPacketHandler packetHandlerOf(SocketIOChannelInitializer initializer) {
        try {
            Field field = SocketIOChannelInitializer.class.getDeclaredField("packetHandler");
            field.setAccessible(true);
            return (InPacketHandler) field.get(initializer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * SocketIOServer makes its default initializer in a field initializer, and that initializer makes
     * a HashedWheelTimer at once. Replaced, it would never be stopped, and Netty reports it as a leak
     * (a "LEAK: HashedWheelTimer.release() was not called" line) when it is garbage-collected. Neither
     * field has a getter, hence the reflection; if a later version renames them, nothing is released
     * and nothing breaks.
     */
    private static void releaseDefaultInitializer(SocketIOServer server) {
        try {
            Field factory = SocketIOServer.class.getDeclaredField("pipelineFactory");
            factory.setAccessible(true);
            Object initializer = factory.get(server);
            if (initializer == null || initializer.getClass() != SocketIOChannelInitializer.class) {
                return;
            }
            Field scheduler = SocketIOChannelInitializer.class.getDeclaredField("scheduler");
            scheduler.setAccessible(true);
            ((CancelableScheduler) scheduler.get(initializer)).shutdown();
        } catch (ReflectiveOperationException | RuntimeException e) {
            // a later version of the library: at worst, one leak line
        }
    }
}
