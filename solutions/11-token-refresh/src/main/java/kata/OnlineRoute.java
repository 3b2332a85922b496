package kata;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;

/** GET /users/{id}/online, for a signed-in user: {@code {"online": true}} while that user has a connection. */
public final class OnlineRoute implements Handler {

    private final JwtStrategy strategy;
    private final Presence presence;

    public OnlineRoute(JwtStrategy strategy, Presence presence) {
        this.strategy = strategy;
        this.presence = presence;
    }

    @Override
    public void handle(Context ctx) {
        strategy.authenticate(ctx.header("Authorization"));
        int userId;
        try {
            userId = Integer.parseInt(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new HttpError(400, "the user id is a number");
        }
        ctx.json(Map.of("online", presence.isUserConnected(userId)));
    }
}
