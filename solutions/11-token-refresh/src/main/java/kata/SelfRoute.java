package kata;

import io.javalin.http.Context;
import io.javalin.http.Handler;

/** GET /self: the protected route of the guide. It answers the signed-in user, or 401. */
public final class SelfRoute implements Handler {

    private final JwtStrategy strategy;

    public SelfRoute(JwtStrategy strategy) {
        this.strategy = strategy;
    }

    @Override
    public void handle(Context ctx) {
        ctx.json(strategy.authenticate(ctx.header("Authorization")));
    }
}
