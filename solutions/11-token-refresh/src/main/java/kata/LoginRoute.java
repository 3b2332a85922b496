package kata;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POST /login with {@code {"username": "...", "password": "..."}}.
 * Right credentials get a signed token, {@code {"token": "..."}}, wrong ones a 401. Step 11: and a refresh
 * token in a cookie that only {@code POST /refresh} receives ({@link RefreshTokens}).
 */
public final class LoginRoute implements Handler {

    private static final Logger LOG = LoggerFactory.getLogger(LoginRoute.class);

    private final Users users;
    private final RefreshTokens refresh;
    private final RateLimits limits;
    private final Duration refreshLifetime;

    public LoginRoute(Users users, RefreshTokens refresh, RateLimits limits, Duration refreshLifetime) {
        this.users = users;
        this.refresh = refresh;
        this.limits = limits;
        this.refreshLifetime = refreshLifetime;
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
        // a new login, whose token carries the user's stamp (step 09) and names the login (its family)
        RefreshTokens.Issued issued = refresh.login(user.get());
        if (issued.refreshToken() != null) {
            RefreshRoute.setCookie(ctx, issued.refreshToken(), refreshLifetime);
        }
        ctx.json(Map.of("token", issued.accessToken()));
    }
}
