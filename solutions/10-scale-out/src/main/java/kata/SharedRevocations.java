package kata;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import kata.Revocations.Entry;
import kata.RevocationLog.LogId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 09's logout, on every node: a token revoked on one node is refused on all of them, and the
 * connections it opened end wherever they are. Each node keeps its own copy of the revocations (a token
 * is checked on every request and handshake: no Redis round trip there), and the nodes keep their
 * copies equal through a log in Redis ({@link RevocationLog}):
 * <ul>
 * <li>a logout is answered only once it is stored where every node will see it. When Redis does not
 * answer, the logout is refused (503) and nothing changes: a logout answered 200 cannot be lost with the
 * node that made it;</li>
 * <li>every node that hears it remembers it and ends that user's connections it revokes;</li>
 * <li>every node reads the whole log when it starts, before it serves anyone, then, every {@link #SYNC},
 * what was added since: a message it missed arrives within that time.</li>
 * </ul>
 * Stamps are ordered by their place in the log, so two nodes that hear two "everywhere"s of one user in
 * different orders keep the same, last one.
 */
public final class SharedRevocations implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedRevocations.class);

    /** How often each node reads what it may have missed. */
    static final Duration SYNC = Duration.ofSeconds(1);

    private final RedisLink redis;
    private final Revocations revocations;
    private final SocketServer sockets;
    private final Users users;
    private final RevocationLog log;
    /** Per user, the place in the log of the stamp this node has: an older one heard later is ignored. */
    private final Map<Integer, LogId> stampIds = new ConcurrentHashMap<>();

    public SharedRevocations(RedisLink redis, Revocations revocations, SocketServer sockets, Users users, Duration lifetime) {
        this.redis = redis;
        this.revocations = revocations;
        this.sockets = sockets;
        this.users = users;
        // an entry matters for a token's lifetime, and the clocks' leeway
        log = new RevocationLog(redis, lifetime.plus(Tokens.CLOCK_SKEW), (id, entry) -> apply(id, entry, true));
        revocations.onRevoke(this::revoked);
        // what the others revoked before this node started: read now, before it serves anyone; then every SYNC
        log.start(SYNC);
    }

    /** This node revokes a token (or all of a user's): stored for every node first, or refused. */
    private void revoked(Entry entry) {
        try {
            revokedHere(entry);
        } finally {
            // from now on, its own entry, heard back or read from the log, is no news here
            log.applied(entry);
        }
    }

    private void revokedHere(Entry entry) {
        // BEGIN SOLUTION
        LogId id;
        try {
            id = log.store(entry);
        } catch (RuntimeException e) {
            redis.outage().failed("a logout", e);
            throw new HttpError(503, "the logout could not be stored: Redis does not answer. Try again");
        }
        // stored: now this node, which answers the logout; its own message, heard later, is no news
        apply(id, entry, false);
        // STUB
        // // TODO step 10: log.store(entry) where every node sees it; it gives the entry's place in the log. When
        // // Redis fails (a RuntimeException), throw new HttpError(503, "...") and change nothing: a 200 promises
        // // that the other nodes will know. Then apply(id, entry, false): this node remembers it, and LogoutRoute
        // // ends the connections here.
        // END SOLUTION
    }

    /**
     * Remembers a revocation, the {@code id}th of the log; if it is news and {@code endHere}, ends the
     * connections of this node that it revokes.
     */
    private void apply(LogId id, Entry entry, boolean endHere) {
        if (entry.isStamp() && !isNewestStamp(entry.userId(), id)) {
            return;
        }
        // BEGIN SOLUTION
        if (revocations.add(entry) && endHere) {
            users.byId(entry.userId()).ifPresent(user -> {
                int ended = sockets.end(user, revocations::isRevoked, "logged out");
                if (ended > 0) {
                    LOG.info("{} logged out on another node: {} connection(s) ended here", user.username(), ended);
                }
            });
        }
        // STUB
        // // TODO step 10: remember the entry in `revocations`; if it is news and endHere, end this user's
        // // connections here that it revokes: sockets.end(user, revocations::isRevoked, "logged out")
        // // (users.byId finds the user).
        // END SOLUTION
    }

    /** Whether this stamp comes after the one this node has for the user (and keeps its place if so). */
    private boolean isNewestStamp(int userId, LogId id) {
        boolean[] newest = {false};
        stampIds.compute(userId, (user, known) -> {
            newest[0] = known == null || id.isAfter(known);
            return newest[0] ? id : known;
        });
        return newest[0];
    }

    @Override
    public void close() {
        log.close();
    }
}
