package kata;

import io.javalin.config.JavalinConfig;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
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

    static void register(JavalinConfig cfg) {
        register(cfg.routes);
        // what Jetty refuses before any route runs (a header too large, a malformed request line)
        cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonJettyErrors()));
        // Jetty keeps the recent Authorization and Cookie lines of each connection, and by default finds a new
        // line among them ignoring case, then hands over the old line's text: on one connection, after
        // "Authorization: Bearer E", a request with "Bearer eyJ..." reached the app as "Bearer EyJ...". Tokens
        // are case-sensitive, and so must be that cache
        cfg.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
    }

    private static void register(RoutesConfig routes) {
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

    /** Jetty's own error pages, as the same short JSON instead of HTML. */
    private static final class JsonJettyErrors extends ErrorHandler {
        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                Callback callback) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, json(code), callback);
        }

        private static ByteBuffer json(int status) {
            String reason = String.valueOf(HttpStatus.getMessage(status)).toLowerCase(Locale.ROOT);
            return ByteBuffer.wrap(("{\"error\":\"" + reason + "\"}").getBytes(StandardCharsets.UTF_8));
        }
    }
}
