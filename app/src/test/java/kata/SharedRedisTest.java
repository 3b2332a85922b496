package kata;

import static kata.harness.ReplyAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import kata.harness.Connection;
import kata.harness.RedisServer;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Order;

/**
 * Two apps (two workshop groups, say) on one Redis, each with its own REDIS_PREFIX: they share nothing.
 * An event, a presence and a logout of one never reach the other, and every key and channel that
 * either uses starts with its prefix. (Both have the tests' JWT secret, so a token of one is good on the other.)
 */
class SharedRedisTest {

    @RegisterExtension
    @Order(0)
    static final RedisServer redis = new RedisServer();

    @RegisterExtension
    @Order(1)
    static final RunningApp<App> red = app(redis, "red:");

    @RegisterExtension
    @Order(2)
    static final RunningApp<App> blue = app(redis, "blue:");

    @RegisterExtension
    final Sockets onBlue = new Sockets(blue);

    @Test
    void two_apps_with_their_own_prefixes_on_one_redis_share_no_event_no_presence_and_no_logout() {
        String token = red.http().login("john", "changeit");
        Connection johnOnBlue = onBlue.connect(token);
        await().atMost(Connection.PATIENCE).until(() -> blue.http().getWithToken("/users/1/online", token).body().equals("{\"online\":true}"));

        assertThat(red.http().postWithToken("/notify", token)).hasStatus(200);
        assertThat(red.http().getWithToken("/users/1/online", token)).hasJson("{\"online\":false}");
        assertThat(red.http().postWithToken("/logout", token)).hasStatus(200);
        johnOnBlue.assertNoEvent("foo", Duration.ofMillis(300), "the event was sent by the red app, and john's tab is on the blue one");
        assertThat(blue.http().getWithToken("/self", token)).as("the red app's logout, on the blue app").hasStatus(200);
        assertThat(red.http().getWithToken("/self", token)).as("the red app's logout, on the red app").hasStatus(401);

        assertThat(redis.strings("KEYS", "*")).as("the keys in Redis").isNotEmpty()
                .allMatch(key -> key.startsWith("red:") || key.startsWith("blue:"));
        assertThat(redis.strings("PUBSUB", "CHANNELS")).as("the channels listened to")
                .containsExactlyInAnyOrder("red:dispatch", "red:revoked", "blue:dispatch", "blue:revoked");
    }

    static RunningApp<App> app(RedisServer redis, String prefix) {
        return RunningApp.of(env -> {
            Map<String, String> node = new HashMap<>(env);
            node.put("REDIS_URL", redis.url());
            node.put("REDIS_PREFIX", prefix);
            return App.start(Config.fromEnvironment(node));
        }, App::httpPort).withSocketPort(App::ioPort);
    }
}
