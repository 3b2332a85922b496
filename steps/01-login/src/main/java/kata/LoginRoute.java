package kata;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POST /login with {@code {"username": "...", "password": "..."}}.
 * The guide's version: right credentials get an answer, wrong ones a 401.
 */
public final class LoginRoute implements Handler {

    private static final Logger LOG = LoggerFactory.getLogger(LoginRoute.class);

    private final Users users;

    public LoginRoute(Users users) {
        this.users = users;
    }

    @Override
    public void handle(Context ctx) {
        // Read the JSON body (JsonBody already answers the 4xx of bad input), check the
        // credentials with users, and answer the user as JSON; or 401 "invalid credentials", the
        // same for an unknown user as for a wrong password.
        throw new Todo("step 01: check the credentials in LoginRoute.handle (steps/01-login/src/main/java/kata/LoginRoute.java)");
    }
}
