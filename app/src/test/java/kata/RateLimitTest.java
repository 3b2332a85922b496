package kata;

import static kata.harness.ReplyAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kata.harness.Connection;
import kata.harness.Connection.Mode;
import kata.harness.LogCapture;
import kata.harness.Reply;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import kata.harness.TestClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rate limits (step 09 on, given, not a lesson): too many logins for one name or from one address,
 * too many logouts or Socket.IO handshakes from one address get 429, a Retry-After header and a short
 * JSON reason, before any password or token is checked. The app runs with low limits, on a clock that
 * stands still unless a test moves it: the waits it announces are exact, and a minute passes at once.
 */
@Isolated
class RateLimitTest {

    private static final String RATE_LIMITS = "solutions/09-token-lifetime/src/main/java/kata/RateLimits.java (carried to 10)";
    private static final String HANDSHAKES = "plumbing/src/main/java/kata/plumbing/HandshakeLimit.java, asked through RateLimits.handshakes";

    private static final int LOGINS_PER_USER = 3;
    private static final int LOGINS_PER_ADDRESS = 10;
    private static final int LOGOUTS_PER_ADDRESS = 3;
    private static final int HANDSHAKES_PER_ADDRESS = 4;

    private static final TestClock clock = TestClock.stopped();

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> {
        Map<String, String> lowLimits = new HashMap<>(env);
        lowLimits.put("LOGIN_LIMIT_PER_USER", String.valueOf(LOGINS_PER_USER));
        lowLimits.put("LOGIN_LIMIT_PER_ADDRESS", String.valueOf(LOGINS_PER_ADDRESS));
        lowLimits.put("LOGOUT_LIMIT_PER_ADDRESS", String.valueOf(LOGOUTS_PER_ADDRESS));
        lowLimits.put("HANDSHAKE_LIMIT_PER_ADDRESS", String.valueOf(HANDSHAKES_PER_ADDRESS));
        return App.start(Config.fromEnvironment(lowLimits).withClock(clock));
    }, App::httpPort).withSocketPort(App::ioPort);

    @RegisterExtension
    final Sockets sockets = new Sockets(app);

    @RegisterExtension
    final LogCapture log = new LogCapture();

    @BeforeEach
    void a_minute_later_every_bucket_is_full_again() {
        clock.advance(Duration.ofMinutes(1));
    }

    private static Reply login(String username, String password) {
        return app.http().postJson("/login", "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
    }

    private static Reply handshake() {
        return app.socketHttp().get("/socket.io/?EIO=4&transport=polling");
    }

    /** 429, Retry-After in whole seconds, and {"error": "<reason>, try again in <seconds> s"}. */
    private static void isTooMany(Reply reply, String reason, long seconds, String whereToLook) {
        assertThat(reply).whereToLook(whereToLook)
                .hasJsonError(429, reason + ", try again in " + seconds + " s")
                .hasHeader("Retry-After", String.valueOf(seconds));
    }

    private void loggedNoStackTrace() {
        assertThat(log.lines()).as("a refusal is one line of the log, never a stack trace. Open " + RATE_LIMITS)
                .noneMatch(line -> line.contains("Exception") || line.startsWith("\tat "));
    }

    @Test
    void the_fourth_login_of_john_in_a_minute_gets_429_while_jane_still_logs_in() {
        for (int i = 1; i <= LOGINS_PER_USER; i++) {
            assertThat(login("john", "changeit")).as("login " + i + " of " + LOGINS_PER_USER).whereToLook(RATE_LIMITS).hasStatus(200);
        }

        // three a minute: the next one comes back 20 s later
        isTooMany(login("john", "changeit"), "too many logins for this user", 20, RATE_LIMITS);
        assertThat(login("jane", "changeit")).as("the limit is john's, not jane's").whereToLook(RATE_LIMITS).hasStatus(200);

        clock.advance(Duration.ofSeconds(20));
        assertThat(login("john", "changeit")).as("20 s later, john may log in once more").whereToLook(RATE_LIMITS).hasStatus(200);
        isTooMany(login("john", "changeit"), "too many logins for this user", 20, RATE_LIMITS);
        loggedNoStackTrace();
    }

    @Test
    void wrong_passwords_count_too_so_guessing_stops_even_at_the_right_one() {
        for (int i = 1; i <= LOGINS_PER_USER; i++) {
            assertThat(login("john", "guess-" + i)).whereToLook(RATE_LIMITS).hasJsonError(401, "invalid credentials");
        }

        isTooMany(login("john", "changeit"), "too many logins for this user", 20, RATE_LIMITS);
    }

    @Test
    void an_unknown_name_is_limited_like_john_so_a_429_tells_no_one_which_names_exist() {
        for (int i = 1; i <= LOGINS_PER_USER; i++) {
            assertThat(login("nobody", "changeit")).whereToLook(RATE_LIMITS).hasJsonError(401, "invalid credentials");
        }

        isTooMany(login("nobody", "changeit"), "too many logins for this user", 20, RATE_LIMITS);
    }

    @Test
    void logins_from_one_address_are_limited_whatever_the_names() {
        for (int i = 1; i <= LOGINS_PER_ADDRESS; i++) {
            assertThat(login("guest-" + i, "changeit")).as("login " + i + " of " + LOGINS_PER_ADDRESS + " from 127.0.0.1")
                    .whereToLook(RATE_LIMITS).hasJsonError(401, "invalid credentials");
        }

        // ten a minute: the next one comes back 6 s later, for every name
        isTooMany(login("jane", "changeit"), "too many logins from this address", 6, RATE_LIMITS);

        clock.advance(Duration.ofSeconds(6));
        assertThat(login("jane", "changeit")).as("6 s later, one more login from this address").whereToLook(RATE_LIMITS).hasStatus(200);
    }

    @Test
    void logouts_from_one_address_over_the_limit_get_429_before_the_token_is_checked() {
        String token = app.http().login("jane", "changeit");
        for (int i = 1; i <= LOGOUTS_PER_ADDRESS; i++) {
            assertThat(app.http().postWithToken("/logout", "not-a-token")).as("a refused logout counts too")
                    .whereToLook(RATE_LIMITS).hasJsonError(401);
        }
        int revoked = app.app().revocations().size();

        isTooMany(app.http().postWithToken("/logout", token), "too many logouts from this address", 20, RATE_LIMITS);
        assertThat(app.app().revocations().size()).as("a logout over the limit revokes nothing. Open " + RATE_LIMITS).isEqualTo(revoked);
        assertThat(app.http().getWithToken("/self", token)).as("jane's token still works").whereToLook(RATE_LIMITS).hasStatus(200);

        clock.advance(Duration.ofSeconds(20));
        assertThat(app.http().postWithToken("/logout", token)).as("20 s later, one more logout").whereToLook(RATE_LIMITS).hasStatus(200);
    }

    @Test
    void a_flood_of_handshakes_gets_429_before_a_session_is_made_and_a_good_client_connects_later() {
        String token = app.http().login("john", "changeit");
        for (int i = 1; i <= HANDSHAKES_PER_ADDRESS; i++) {
            Reply open = handshake();
            assertThat(open).as("handshake " + i + " of " + HANDSHAKES_PER_ADDRESS).whereToLook(HANDSHAKES).hasStatus(200);
            assertThat(open.body()).as("an engine.io OPEN packet").startsWith("0{");
        }
        int sessions = app.app().sockets().unconnectedSessions();

        // four a minute: the next one comes back 15 s later
        isTooMany(handshake(), "too many handshakes from this address", 15, HANDSHAKES);
        assertThat(app.app().sockets().unconnectedSessions()).as("a refused handshake makes no session. Open " + HANDSHAKES)
                .isLessThanOrEqualTo(sessions);
        Connection websocket = sockets.openWithPayload(Map.of("token", token), Map.of(), Mode.WEBSOCKET_ONLY);
        assertThat(websocket.awaitOutcome()).as("a websocket handshake over the limit is refused too. Open " + HANDSHAKES)
                .startsWith("connect_error");

        clock.advance(Duration.ofSeconds(15));
        Connection john = sockets.connectWithPayload(token);
        assertThat(john.ask("whoami")).as("15 s later, a good client connects").isEqualTo("john");
        loggedNoStackTrace();
    }

    @Test
    void only_the_handshake_counts_not_the_later_requests_of_a_session() {
        String token = app.http().login("john", "changeit");
        Connection polling = sockets.openWithPayload(Map.of("token", token), Map.of(), Mode.POLLING_ONLY).awaitConnected();
        for (int i = 0; i < 2 * HANDSHAKES_PER_ADDRESS; i++) {
            assertThat(polling.ask("whoami")).as("a polling session's requests carry its sid: they are no handshakes").isEqualTo("john");
        }

        for (int i = 2; i <= HANDSHAKES_PER_ADDRESS; i++) {
            assertThat(handshake()).as("handshake " + i + " of " + HANDSHAKES_PER_ADDRESS + ", the first being the polling client's")
                    .whereToLook(HANDSHAKES).hasStatus(200);
        }
        isTooMany(handshake(), "too many handshakes from this address", 15, HANDSHAKES);
    }

    @Test
    void a_bad_or_oversized_body_still_gets_its_4xx_never_500() {
        assertThat(app.http().post("/login", "application/json", "{\"username\":")).whereToLook(RATE_LIMITS).hasJsonError(400);
        assertThat(app.http().postJson("/login", "{\"username\":5,\"password\":\"changeit\"}")).whereToLook(RATE_LIMITS).hasJsonError(400);
        assertThat(app.http().post("/login", "text/plain", "john:changeit")).whereToLook(RATE_LIMITS).hasJsonError(415);
        byte[] tooLarge = ("{\"username\":\"" + "j".repeat(20_000) + "\",\"password\":\"changeit\"}").getBytes(StandardCharsets.UTF_8);
        assertThat(app.http().postChunked("/login", "application/json", tooLarge)).whereToLook(RATE_LIMITS).hasJsonError(413);
        assertThat(login("j".repeat(10_000), "changeit")).as("a long name is no user").whereToLook(RATE_LIMITS)
                .hasJsonError(401, "invalid credentials");

        assertThat(login("john", "changeit")).as("the body read by the limit is read again by LoginRoute").whereToLook(RATE_LIMITS)
                .hasStatus(200);
        loggedNoStackTrace();
    }

    @Test
    void a_limit_that_is_no_number_over_0_stops_the_app_at_start_and_names_the_setting() {
        for (String bad : List.of("ten", "0", "-5")) {
            assertThatThrownBy(() -> Config.fromEnvironment(Map.of("LOGIN_LIMIT_PER_USER", bad)))
                    .as("LOGIN_LIMIT_PER_USER=" + bad + ". Open solutions/09-token-lifetime/src/main/java/kata/Config.java")
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("LOGIN_LIMIT_PER_USER must be a number of requests per minute over 0, not \"" + bad + "\"");
        }
        assertThat(Config.fromEnvironment(Map.of()).limits()).as("the defaults, as README says")
                .isEqualTo(new Config.Limits(10, 120, 60, 300));
    }

    @Test
    void an_ipv6_client_counts_by_its_64_bit_prefix_which_it_usually_holds_whole() {
        assertThat(RateLimits.addressKey("[2001:db8:1:2:3:4:5:6]")).as("Open " + RATE_LIMITS)
                .isEqualTo(RateLimits.addressKey("2001:db8:1:2:ffff::1"))
                .isNotEqualTo(RateLimits.addressKey("2001:db8:1:3::1"));
        assertThat(RateLimits.addressKey("203.0.113.7")).as("an IPv4 address counts as it is").isEqualTo("203.0.113.7");
    }
}
