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
        // For a signed-in user only: send "foo" with "bar" to all of their connections, and
        // answer {"connections": how many got it}.
        throw new Todo("step 06: send foo to the user's connections in NotifyRoute.handle (steps/06-user-rooms/src/main/java/kata/NotifyRoute.java)");
    }
}
