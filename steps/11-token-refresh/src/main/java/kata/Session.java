package kata;

import com.corundumstudio.socketio.SocketIOClient;

/**
 * What a Socket.IO connection carries, in netty-socketio's store of each connection
 * ({@code client.get(..)}, {@code client.set(..)}): the guide's {@code socket.data}.
 */
final class Session {

    /** The sign-in (user and token) the handshake's Authorization header proved, if it had one: set by {@link SocketAuth}. */
    static final String HANDSHAKE = "handshake";
    /** The user of a connection whose CONNECT was accepted: set by {@link SocketServer}. */
    static final String USER = "user";
    /** The sign-in of a connection whose CONNECT was accepted: its user, and its token's id, stamp and expiry. */
    static final String SIGNED_IN = "signed-in";

    private Session() {
    }

    /** The connection's user; null until its CONNECT is accepted. */
    static User userOf(SocketIOClient client) {
        return client.get(USER);
    }
}
