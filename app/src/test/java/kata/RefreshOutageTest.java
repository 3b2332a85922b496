package kata;

import static kata.harness.ReplyAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest.BodyPublishers;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kata.harness.Reply;
import kata.harness.RedisServer;
import kata.harness.RunningApp;
import kata.harness.TokenForge;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step 11 on a node of several while Redis is away: the families live in Redis, so a refresh is refused
 * with 503 and a reason (the page tries again while its token lives), never a 500; a login still works, as
 * a login that cannot be refreshed (no cookie). A Redis that comes back empty (the tests' runs without
 * persistence) has forgotten every login: their refresh tokens are refused, and the users log in again.
 */
class RefreshOutageTest {

    private static final String TOKENS = "solutions/11-token-refresh/src/main/java/kata/RefreshTokens.java";

    @RegisterExtension
    @Order(0)
    static final RedisServer redis = new RedisServer();

    @RegisterExtension
    @Order(1)
    static final RunningApp<App> node = RunningApp.of(env -> {
        Map<String, String> scaledOut = new HashMap<>(env);
        scaledOut.put("REDIS_URL", redis.url());
        scaledOut.put("REDIS_OUTAGE_LOG_MS", "1000");
        return App.start(Config.fromEnvironment(scaledOut));
    }, App::httpPort).withSocketPort(App::ioPort);

    private static Reply login() {
        return node.http().postJson("/login", "{\"username\":\"john\",\"password\":\"changeit\"}");
    }

    private static Reply refresh(String refreshToken) {
        return node.http().send(node.http().request("/refresh").header("Cookie", "refresh=" + refreshToken)
                .POST(BodyPublishers.noBody()), "POST /refresh");
    }

    private static String refreshCookie(Reply reply) {
        return reply.headers().getOrDefault("set-cookie", List.of()).stream().filter(c -> c.startsWith("refresh="))
                .map(c -> c.substring("refresh=".length(), c.indexOf(';'))).findFirst().orElse("");
    }

    @Test
    void while_redis_is_away_a_refresh_gets_503_and_a_login_cannot_be_refreshed() throws Exception {
        String refreshToken = refreshCookie(login());
        assertThat(refreshToken).isNotEmpty();

        redis.stop();
        try {
            assertThat(refresh(refreshToken)).as("no node can tell alone whether the token was used elsewhere. Open " + TOKENS)
                    .hasJsonError(503, "the login could not be refreshed: Redis does not answer. Try again");
            Reply loggedIn = login();
            assertThat(loggedIn).as("a login while Redis is away").hasStatus(200);
            assertThat(refreshCookie(loggedIn)).as("no refresh token: its family could not be stored").isEmpty();
            String token = loggedIn.json().path("token").asText();
            assertThat(TokenForge.decode(token).claims().has("fam")).as("an access token of no family").isFalse();
            assertThat(node.http().getWithToken("/self", token)).hasStatus(200);
        } finally {
            redis.start();
        }

        // the node's Redis client reconnects within a second or so
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> refresh(refreshToken).status() != 503);
        assertThat(refresh(refreshToken)).as("Redis came back empty: the login is forgotten").hasJsonError(401, "invalid refresh token");
        Reply fresh = login();
        assertThat(refresh(refreshCookie(fresh))).as("a login made once Redis is back refreshes").hasStatus(200);
    }
}
