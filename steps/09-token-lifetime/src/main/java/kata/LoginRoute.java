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
    private final Revocations revocations;
    private final RateLimits limits;

    public LoginRoute(Users users, Tokens tokens, Revocations revocations, RateLimits limits) {
        this.users = users;
        this.tokens = tokens;
        this.revocations = revocations;
        this.limits = limits;
    }

    @Override
    public void handle(Context ctx) {
        JsonNode body = JsonBody.read(ctx);
        JsonNode username = body.path("username");
        JsonNode password = body.path("password");
        if (!username.isTextual() || !password.isTextual()) {
            throw new HttpError(400, "username and password are required, as strings");
        }
        // too many logins for this name, from anywhere: 429 before the password is looked at (step 09)
        if (limits.refusesLogin(ctx, username.textValue())) {
            return;
        }
        Optional<User> user = users.authenticate(username.textValue(), password.textValue());
        if (user.isEmpty()) {
            // the same answer for an unknown user and a wrong password: no hint for guessing names
            LOG.info("wrong credentials");
            throw new HttpError(401, "invalid credentials");
        }
        LOG.info("authentication OK");
        // the user's stamp goes into the token: a "log out everywhere" changes it, and voids this token (step 09)
        ctx.json(Map.of("token", tokens.sign(user.get(), revocations.stampOf(user.get()))));
    }
}
