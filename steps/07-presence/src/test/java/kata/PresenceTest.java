package kata;

import static kata.harness.ReplyAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import kata.harness.Connection;
import kata.harness.Http;
import kata.harness.Reply;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import kata.harness.TestEnv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step 07: a user is online while their room has a connection; a dead connection is noticed by the pings.
 * The dead connection's test runs on an app of its own, with pings of 0.3 s: no live client is on it, so
 * none can miss a pong on a busy machine, and until the pings are set its dead connection lingers there
 * (85 s), not in jane's room of the other tests.
 */
class PresenceTest {

    private static final String PRESENCE = "steps/07-presence/src/main/java/kata/Presence.java";
    private static final String ROUTE = "steps/07-presence/src/main/java/kata/OnlineRoute.java";
    private static final String SERVER = "steps/07-presence/src/main/java/kata/SocketServer.java";

    /** Short pings, so that a dead connection is noticed within 0.6 s instead of 85 s: on their own app only. */
    private static final Duration PING_INTERVAL = Duration.ofMillis(300);
    private static final Duration PING_TIMEOUT = Duration.ofMillis(300);

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> App.start(Config.fromEnvironment(env)), App::httpPort)
            .withSocketPort(App::ioPort);

    @RegisterExtension
    final Sockets sockets = new Sockets(app);

    private static boolean online(int userId) {
        return app.app().presence().isUserConnected(userId);
    }

    private static void awaitOnline(int userId, boolean expected, Duration within, String why) {
        awaitOnline(app.app(), userId, expected, within, why);
    }

    private static void awaitOnline(App on, int userId, boolean expected, Duration within, String why) {
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(10)).until(() -> on.presence().isUserConnected(userId) == expected);
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
    void a_connection_that_dies_without_closing_is_noticed_within_the_ping_timeout() throws Exception {
        Map<String, String> shortPings = new HashMap<>(TestEnv.variables());
        shortPings.put("PING_INTERVAL_MS", String.valueOf(PING_INTERVAL.toMillis()));
        shortPings.put("PING_TIMEOUT_MS", String.valueOf(PING_TIMEOUT.toMillis()));
        try (App quick = App.start(Config.fromEnvironment(shortPings))) {
            String token = app.http().login("jane", "changeit");

            // a handshake, and then silence: no polls, no pongs, no goodbye, like a laptop that lost its network
            Reply handshake = Http.toSocketServer("http://127.0.0.1:" + quick.ioPort())
                    .get("/socket.io/?EIO=4&transport=polling", "Authorization", "Bearer " + token);
            assertThat(handshake.status()).as(handshake.summary()).isEqualTo(200);
            awaitOnline(quick, 2, true, Connection.PATIENCE, "the handshake joined jane's room. Open " + PRESENCE);

            Duration noticed = PING_INTERVAL.plus(PING_TIMEOUT).plusSeconds(1);
            awaitOnline(quick, 2, false, noticed, "the server drops a connection that misses its pings after interval + timeout."
                    + " Open " + SERVER + ": set the ping interval and timeout from the config.");
        }
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
