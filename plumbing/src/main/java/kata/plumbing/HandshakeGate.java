package kata.plumbing;

import java.net.InetAddress;

/**
 * Decides whether a client may open one more Socket.IO session now: the app's rate limit of handshakes,
 * asked by {@link HandshakeLimit} before netty-socketio makes the session. The app implements it (over
 * Bucket4j, see RateLimits); plumbing knows no app class.
 */
@FunctionalInterface
public interface HandshakeGate {

    /**
     * Takes one handshake from this client's allowance: 0 when the handshake may go on, or else how many
     * whole seconds (at least 1) the client should wait before it tries again.
     *
     * @param client the TCP peer's address: the client itself, or the last proxy on the way
     */
    long secondsToWait(InetAddress client);
}
