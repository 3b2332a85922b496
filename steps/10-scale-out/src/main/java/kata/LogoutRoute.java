package kata;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;

/**
 * POST /logout: the token in the Authorization header stops working, on every route and at the Socket.IO
 * handshake, and every connection opened with it ends now. POST /logout?everywhere=true: the same for
 * every token of that user issued so far, and every connection of that user. Answers how many
 * connections it ended.
 */
public final class LogoutRoute implements Handler {

    private final JwtStrategy strategy;
    private final Revocations revocations;
    private final SocketServer sockets;

    public LogoutRoute(JwtStrategy strategy, Revocations revocations, SocketServer sockets) {
        this.strategy = strategy;
        this.revocations = revocations;
        this.sockets = sockets;
    }

    @Override
    public void handle(Context ctx) {
        // For a signed-in user only. Revoke the token (or, with ?everywhere=true, all the user's tokens), then
        // end the connections opened with it (or all the user's): sockets.end(user, which, "logged out").
        // Answer {"disconnected": <how many>}.
        throw new Todo("step 09: revoke the token and end its connections in LogoutRoute.handle (steps/09-token-lifetime/src/main/java/kata/LogoutRoute.java)");
    }
}
