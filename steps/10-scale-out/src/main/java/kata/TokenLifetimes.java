package kata;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import kata.plumbing.ConnectGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection lives no longer than its token: it ends when the token expires, and when its user logs out
 * with that token (or everywhere). The client gets a {@code session_ended} event saying why, then the
 * server closes the connection. The guide's connections, authenticated once, live on for days.
 */
public final class TokenLifetimes {

    /** The event that tells a client why the server ends its connection: "session expired", "logged out". */
    public static final String SESSION_ENDED = "session_ended";

    private static final Logger LOG = LoggerFactory.getLogger(TokenLifetimes.class);

    private final SocketIOServer server;
    private final ConnectGate gate;
    private final Clock clock;
    /** How long an ended connection stays open, so that the {@code session_ended} event reaches a polling client (ENDED_GRACE_MS). */
    private final Duration endedGrace;
    /** Told of each connection that is no longer its user's (step 10: presence). */
    private final Consumer<User> onEnded;
    /** When each connection's token expires: one timer per connection, cancelled when it disconnects. */
    private final ScheduledThreadPoolExecutor timers;
    private final Map<UUID, ScheduledFuture<?>> expiries = new ConcurrentHashMap<>();

    public TokenLifetimes(SocketIOServer server, ConnectGate gate, Clock clock, Duration endedGrace, Consumer<User> onEnded) {
        this.server = server;
        this.gate = gate;
        this.clock = clock;
        this.endedGrace = endedGrace;
        this.onEnded = onEnded;
        timers = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "socket.io-expiry");
            thread.setDaemon(true);
            return thread;
        });
        // a cancelled timer leaves the queue at once: a connection that came and went leaves nothing behind
        timers.setRemoveOnCancelPolicy(true);
    }

    /** An accepted connection, signed in with this token, starts to live: until the token's {@code exp}. */
    public void started(SocketIOClient client, SignedIn signedIn) {
        // a timer of its own, not a sweep over all connections: it fires at exp, whatever the others do
        long millisLeft = Math.max(0, Duration.between(clock.instant(), signedIn.expiresAt()).toMillis());
        expiries.put(client.getSessionId(), timers.schedule(() -> end(client, "session expired"), millisLeft, TimeUnit.MILLISECONDS));
    }

    /**
     * Ends the connections of this user that {@code which} selects: each is told why with a
     * {@code session_ended} event, then closed. Says how many.
     */
    public int end(User user, Predicate<SignedIn> which, String reason) {
        int ended = 0;
        for (SocketIOClient client : server.getRoomOperations(UserRooms.roomOf(user.id())).getClients()) {
            SignedIn signedIn = client.get(Session.SIGNED_IN);
            if (signedIn != null && which.test(signedIn)) {
                end(client, reason);
                ended++;
            }
        }
        return ended;
    }

    private void end(SocketIOClient client, String reason) {
        User user = Session.userOf(client);
        if (user == null) {
            // ended already (an expiry and a logout at the same moment)
            return;
        }
        LOG.info("{}'s connection ended: {}", user.username(), reason);
        // the event first; then, at once, the connection is no longer the user's: no event, no presence
        client.sendEvent(SESSION_ENDED, reason);
        detach(client);
        onEnded.accept(user);
        // and the close a moment later: netty-socketio's close drops what a polling client has not fetched
        // yet, so a close at once would often cut the event off (a client that reads it and disconnects by
        // itself, as the page does, ends it sooner)
        gate.closeAfter(client, endedGrace);
    }

    /** The connection is no longer its user's: it leaves their room, gets no event, and its expiry timer goes. */
    public void detach(SocketIOClient client) {
        User user = Session.userOf(client);
        if (user != null) {
            client.del(Session.USER);
            client.del(Session.SIGNED_IN);
            client.leaveRoom(UserRooms.roomOf(user.id()));
        }
        ScheduledFuture<?> expiry = expiries.remove(client.getSessionId());
        if (expiry != null) {
            expiry.cancel(false);
        }
    }

    /** How many expiry timers are waiting: one per open connection at most. */
    public int timers() {
        return timers.getQueue().size();
    }

    public void stop() {
        timers.shutdownNow();
    }
}
