package kata;

import java.time.Duration;
import java.time.Instant;
import kata.harness.RunningApp;
import kata.harness.TestClock;
import kata.harness.TestEnv;
import kata.harness.TokenForge;

/**
 * The app on a clock that stands still until a test moves it (tokens of an hour, as always), for the tests of
 * {@code token_expiring} and reauth: a test logs in, moves the clock to a little before the token's exp, and
 * connects with it; the server reads the same time left however long the connection took, so a busy machine
 * cannot eat a token's life before it connects. Each test class has its own, and they run at the same time.
 */
final class StoppedClockApp {

    /** What is left of a token's life, by the app's clock, when a test's connection opens. */
    static final Duration LEFT = Duration.ofMillis(1000);

    /** How long before its token's exp a connection is told {@code token_expiring} (TOKEN_EXPIRING_AHEAD_MS). */
    static final Duration AHEAD = Duration.ofMillis(500);

    final TestClock clock = TestClock.stopped();

    final RunningApp<App> app = RunningApp.of(env -> App.start(Config.fromEnvironment(
            TestEnv.with(env, "TOKEN_EXPIRING_AHEAD_MS", String.valueOf(AHEAD.toMillis()))).withClock(clock)),
            App::httpPort).withSocketPort(App::ioPort);

    static Instant expiryOf(String token) {
        return Instant.ofEpochSecond(TokenForge.decode(token).claims().get("exp").asLong());
    }

    /** Moves the app's clock to {@code left} before the token's exp. */
    void nearItsEnd(String token, Duration left) {
        clock.advance(Duration.between(clock.instant(), expiryOf(token)).minus(left));
    }
}
