package kata;

import com.corundumstudio.socketio.SocketIOServer;

/**
 * Whether a user is connected right now: whether their room has any connection whose Socket.IO
 * CONNECT was accepted (from step 08 on, a session can be in the room a moment before). The guide:
 * {@code (await io.in(`user:${userId}`).fetchSockets()).length > 0}.
 *
 * <p>A connection that closes cleanly leaves its room at once. One that just dies (a laptop lid
 * closed, a network gone) stays until the server notices the missing pings: within ping interval +
 * ping timeout, which {@link SocketServer} sets from the configuration.
 */
public final class Presence {

    private final SocketIOServer server;

    public Presence(SocketIOServer server) {
        this.server = server;
    }

    public boolean isUserConnected(int userId) {
        // only the connections whose Socket.IO CONNECT was accepted, as Node's fetchSockets() counts them
        return server.getRoomOperations(UserRooms.roomOf(userId)).getClients().stream().anyMatch(SocketServer::isOnline);
    }
}
