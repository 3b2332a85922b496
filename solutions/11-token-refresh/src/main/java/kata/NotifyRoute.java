package kata;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;

/**
 * POST /notify: the signed-in user sends the guide's event, {@code foo} with {@code "bar"}, to all of
 * their own connections (every tab they have open), and learns to how many.
 */
public final class NotifyRoute implements Handler {

    private final JwtStrategy strategy;
    private final UserRooms rooms;

    public NotifyRoute(JwtStrategy strategy, UserRooms rooms) {
        this.strategy = strategy;
        this.rooms = rooms;
    }

    @Override
    public void handle(Context ctx) {
        User user = strategy.authenticate(ctx.header("Authorization"));
        int connections = rooms.sendTo(user.id(), "foo", "bar");
        ctx.json(Map.of("connections", connections));
    }
}
