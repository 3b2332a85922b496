package kata;

import com.corundumstudio.socketio.SocketIOServer;

/**
 * Whether a user is connected right now: whether their room has any connection in it. The guide:
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
        return !server.getRoomOperations(UserRooms.roomOf(userId)).getClients().isEmpty();
    }
}
