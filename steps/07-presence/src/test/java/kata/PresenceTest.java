package kata;

import static kata.harness.ReplyAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import kata.harness.Connection;
import kata.harness.Reply;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step 07: a user is online while their room has a connection; a dead connection is noticed by the pings.
 * The dead connection's test runs last: until the pings are set, its connection lingers for 85 s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PresenceTest {

    private static final String PRESENCE = "steps/07-presence/src/main/java/kata/Presence.java";
    private static final String ROUTE = "steps/07-presence/src/main/java/kata/OnlineRoute.java";
    private static final String SERVER = "steps/07-presence/src/main/java/kata/SocketServer.java";

    /**
     * Short pings, so that a dead connection is noticed within about three seconds instead of 85 s,
     * and long enough that a live client on a busy laptop always answers in time.
     */
    private static final Duration PING_INTERVAL = Duration.ofMillis(1_000);
    private static final Duration PING_TIMEOUT = Duration.ofMillis(2_000);

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> {
        Map<String, String> shortPings = new HashMap<>(env);
        shortPings.put("PING_INTERVAL_MS", String.valueOf(PING_INTERVAL.toMillis()));
        shortPings.put("PING_TIMEOUT_MS", String.valueOf(PING_TIMEOUT.toMillis()));
        return App.start(Config.fromEnvironment(shortPings));
    }, App::httpPort).withSocketPort(App::ioPort);

    @RegisterExtension
    final Sockets sockets = new Sockets(app);

    private static boolean online(int userId) {
        return app.app().presence().isUserConnected(userId);
    }

    private static void awaitOnline(int userId, boolean expected, Duration within, String why) {
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(10)).until(() -> online(userId) == expected);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("isUserConnected(" + userId + ") stayed " + !expected + " for " + within.toMillis()
                    + " ms: " + why);
        }
    }

    @Test
    void jane_is_offline_before_she_connects_and_online_once_she_does() {
        awaitOnline(2, false, Connection.PATIENCE, "nobody is connected as jane. Open " + PRESENCE);

        sockets.connect(app.http().login("jane", "changeit"));

        assertThat(online(2)).as("jane has a connection, so her room has a client. Open " + PRESENCE).isTrue();
    }

    @Test
    void john_stays_online_until_his_last_tab_closes() {
        Connection first = sockets.connect(app.http().login("john", "changeit"));
        Connection second = sockets.connect(app.http().login("john", "changeit"));

        first.close();
        assertThat(online(1)).as("john's second tab is still open. Open " + PRESENCE).isTrue();

        second.close();
        awaitOnline(1, false, Connection.PATIENCE, "a clean disconnect leaves the room at once. Open " + PRESENCE);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void a_connection_that_dies_without_closing_is_noticed_within_the_ping_timeout() {
        String token = app.http().login("jane", "changeit");
        awaitOnline(2, false, Connection.PATIENCE, "nobody is connected as jane yet");

        // a handshake, and then silence: no polls, no pongs, no goodbye, like a laptop that lost its network
        Reply handshake = app.socketHttp().get("/socket.io/?EIO=4&transport=polling", "Authorization", "Bearer " + token);
        assertThat(handshake.status()).as(handshake.summary()).isEqualTo(200);
        awaitOnline(2, true, Connection.PATIENCE, "the handshake joined jane's room. Open " + PRESENCE);

        Duration noticed = PING_INTERVAL.plus(PING_TIMEOUT).plusSeconds(1);
        awaitOnline(2, false, noticed, "the server drops a connection that misses its pings after interval + timeout."
                + " Open " + SERVER + ": set the ping interval and timeout from the config.");
    }

    @Test
    void get_online_answers_true_or_false() {
        String johnsToken = app.http().login("john", "changeit");
        sockets.connect(johnsToken);
        awaitOnline(2, false, Connection.PATIENCE, "nobody is connected as jane");

        assertThat(app.http().getWithToken("/users/1/online", johnsToken))
                .whereToLook(ROUTE + ": answer {\"online\": presence.isUserConnected(id)}.")
                .hasStatus(200).hasJson("{\"online\":true}");
        assertThat(app.http().getWithToken("/users/2/online", johnsToken))
                .whereToLook(ROUTE).hasStatus(200).hasJson("{\"online\":false}");
    }

    @Test
    void get_online_is_for_signed_in_users_only() {
        assertThat(app.http().get("/users/1/online"))
                .whereToLook(ROUTE + ": strategy.authenticate(..) first: presence is not public.")
                .hasJsonError(401, "no token");
    }

    @Test
    void an_id_that_is_not_a_number_gets_400() {
        String token = app.http().login("john", "changeit");

        assertThat(app.http().getWithToken("/users/john/online", token))
                .whereToLook(ROUTE + ": Integer.parseInt(ctx.pathParam(\"id\")) can fail: throw new HttpError(400, ..).")
                .hasJsonError(400);
    }
}
