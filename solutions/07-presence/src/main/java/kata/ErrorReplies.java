package kata;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every error the HTTP server can give, as a short JSON reason: {@code {"error": "..."}}.
 * A client never sees a stack trace; an unexpected failure is logged here and answered with 500.
 */
final class ErrorReplies {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorReplies.class);

    private ErrorReplies() {
    }

    static void register(RoutesConfig routes) {
        routes.exception(Unauthorized.class, (e, ctx) -> {
            ctx.header("WWW-Authenticate", "Bearer");
            reply(ctx, 401, e.reason());
        });
        routes.exception(HttpError.class, (e, ctx) -> reply(ctx, e.status(), e.reason()));
        routes.exception(Todo.class, (e, ctx) -> reply(ctx, 501, e.getMessage()));
        routes.exception(HttpResponseException.class, (e, ctx) -> reply(ctx, e.getStatus(), e.getMessage()));
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
            reply(ctx, 500, "internal error");
        });
        routes.error(404, "*", ctx -> {
            if (ctx.result() == null) {
                reply(ctx, 404, "not found");
            }
        });
    }

    static void reply(Context ctx, int status, String reason) {
        ctx.status(status).json(Map.of("error", reason));
    }
}
