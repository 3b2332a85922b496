package kata;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;

/**
 * POST /logout: the token in the Authorization header stops working, on every route and at the Socket.IO
 * handshake, and every connection opened with it ends now; a token of a login that refreshes (step 11)
 * takes its whole login with it: its refresh token, the access tokens of every tab, their connections.
 * POST /logout?everywhere=true: the same for every token of that user issued so far, and every
 * connection of that user. Answers how many connections it ended.
 */
public final class LogoutRoute implements Handler {

    private final JwtStrategy strategy;
    private final Revocations revocations;
    private final SocketServer sockets;
    private final RefreshTokens refresh;

    public LogoutRoute(JwtStrategy strategy, Revocations revocations, SocketServer sockets, RefreshTokens refresh) {
        this.strategy = strategy;
        this.revocations = revocations;
        this.sockets = sockets;
        this.refresh = refresh;
    }

    @Override
    public void handle(Context ctx) {
        // a bad token is refused here, 401, before anything changes
        SignedIn signedIn = strategy.signIn(ctx.header("Authorization"));
        int ended;
        if ("true".equals(ctx.queryParam("everywhere"))) {
            revocations.revokeAll(signedIn.user());
            ended = sockets.end(signedIn.user(), connection -> true, "logged out");
        } else if (signedIn.family() != null) {
            ended = refresh.logout(signedIn);
        } else {
            revocations.revoke(signedIn);
            ended = sockets.end(signedIn.user(), connection -> connection.tokenId().equals(signedIn.tokenId()), "logged out");
        }
        // the browser forgets its refresh token (the server has revoked it anyway)
        RefreshRoute.clearCookie(ctx);
        ctx.json(Map.of("disconnected", ended));
    }
}
