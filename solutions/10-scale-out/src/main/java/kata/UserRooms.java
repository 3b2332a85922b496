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
    private final RedisAdapter adapter;

    /** One node alone. */
    public UserRooms(SocketIOServer server) {
        this(server, null);
    }

    /** One node of several: {@link #disconnect} reaches the user's connections on every node. */
    public UserRooms(SocketIOServer server, RedisAdapter adapter) {
        this.server = server;
        this.adapter = adapter;
        if (adapter != null) {
            adapter.onDisconnectUser(this::disconnectHere);
        }
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

    /**
     * Closes every connection of one user, on this node and on the others (what a logout or a
     * revocation needs: the sockets were authenticated at their handshake, and nothing checks them
     * again). A room holds this node's connections only; the others hear of it through Redis.
     */
    public void disconnect(int userId) {
        disconnectHere(userId);
        if (adapter != null) {
            adapter.disconnectUserElsewhere(userId);
        }
    }

    private void disconnectHere(int userId) {
        // SocketServer.close, not the room's disconnect(): that one only sends a DISCONNECT packet
        server.getRoomOperations(roomOf(userId)).getClients().forEach(SocketServer::close);
    }
}
