package kata;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POST /login with {@code {"username": "...", "password": "..."}}.
 * Right credentials get a signed token, {@code {"token": "..."}}, wrong ones a 401.
 */
public final class LoginRoute implements Handler {

    private static final Logger LOG = LoggerFactory.getLogger(LoginRoute.class);

    private final Users users;
    private final Tokens tokens;

    public LoginRoute(Users users, Tokens tokens) {
        this.users = users;
        this.tokens = tokens;
    }

    @Override
    public void handle(Context ctx) {
        JsonNode body = JsonBody.read(ctx);
        JsonNode username = body.path("username");
        JsonNode password = body.path("password");
        if (!username.isTextual() || !password.isTextual()) {
            throw new HttpError(400, "username and password are required, as strings");
        }
        Optional<User> user = users.authenticate(username.textValue(), password.textValue());
        if (user.isEmpty()) {
            // the same answer for an unknown user and a wrong password: no hint for guessing names
            LOG.info("wrong credentials");
            throw new HttpError(401, "invalid credentials");
        }
        LOG.info("authentication OK");
        ctx.json(Map.of("token", tokens.sign(user.get())));
    }
}
