package kata;

import com.corundumstudio.socketio.BroadcastOperations;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;

/**
 * One room per user, {@code user:<id>}, which every connection of that user joins: the link between
 * the HTTP side, which knows user ids, and the Socket.IO side, which knows connections. The guide:
 * {@code socket.join(`user:${userId}`)} and {@code io.to(`user:${userId}`).emit("foo", "bar")}.
 */
public final class UserRooms {

    private final SocketIOServer server;

    public UserRooms(SocketIOServer server) {
        this.server = server;
    }

    public static String roomOf(int userId) {
        return "user:" + userId;
    }

    /** Called first thing when a connection is accepted, before the client is told it is connected. */
    public void join(SocketIOClient client, User user) {
        client.joinRoom(roomOf(user.id()));
    }

    /** Sends an event to every connection of one user, and says to how many. */
    public int sendTo(int userId, String event, Object payload) {
        BroadcastOperations room = server.getRoomOperations(roomOf(userId));
        int connections = room.getClients().size();
        room.sendEvent(event, payload);
        return connections;
    }
}
