package kata.plumbing;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIONamespace;
import com.corundumstudio.socketio.handler.ClientsBox;
import com.corundumstudio.socketio.namespace.NamespacesHub;
import com.corundumstudio.socketio.transport.NamespaceClient;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * netty-socketio 2.0.14, {@code PollingTransport.onGet} (and {@code WebSocketTransport.connectClient}):
 * every poll calls {@code AuthorizeHandler.connect(client)}, which connects the session to the default
 * namespace again if it has no namespace client. When a client closes (its DISCONNECT packet arrives on
 * one connection) while one of its polls is being handled on another, the poll runs after the
 * disconnect and brings the session back: the connect listener fires again, the session rejoins its
 * rooms, and since it is no longer in the library's registry ({@code ClientsBox}), no ping timeout
 * ever removes it. Seen here in 1 of ~100 polling clients closed right after connecting, 16 at a
 * time: the user stayed "online" for good.
 *
 * <p>This sweep finds such sessions (in a namespace, but not in the registry, twice in a row so that a
 * disconnect in progress is left to finish) and disconnects them: they leave their rooms within
 * {@link #EVERY_MILLIS} x 2.
 */
final class OrphanSessions implements AutoCloseable {

    static final long EVERY_MILLIS = 200;

    private static final Logger LOG = LoggerFactory.getLogger(OrphanSessions.class);

    private final NamespacesHub namespaces;
    private final ClientsBox registry;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "socket.io-orphan-sessions");
        thread.setDaemon(true);
        return thread;
    });
    /** Touched by the sweeper's thread only. */
    private Set<UUID> seenOnce = new HashSet<>();

    OrphanSessions(NamespacesHub namespaces, ClientsBox registry) {
        this.namespaces = namespaces;
        this.registry = registry;
        sweeper.scheduleWithFixedDelay(this::sweep, EVERY_MILLIS, EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        try {
            Set<UUID> orphans = new HashSet<>();
            for (SocketIONamespace namespace : namespaces.getAllNamespaces()) {
                for (SocketIOClient client : namespace.getAllClients()) {
                    if (registry.get(client.getSessionId()) != null) {
                        continue;
                    }
                    if (seenOnce.contains(client.getSessionId()) && client instanceof NamespaceClient orphan) {
                        LOG.debug("session {} came back after it was disconnected: disconnecting it again", client.getSessionId());
                        orphan.onDisconnect();
                    } else {
                        orphans.add(client.getSessionId());
                    }
                }
            }
            seenOnce = orphans;
        } catch (RuntimeException e) {
            // the next sweep tries again; nothing here may stop the sweeper
            LOG.debug("sweep failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
