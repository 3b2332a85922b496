package kata;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import kata.Logins.Login;
import kata.harness.Connection;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step 11: a live connection is told {@code token_expiring} {@link StoppedClockApp#AHEAD} before its token
 * expires, and without a fresh token it ends at {@code exp} as in step 09. The app's clock stands still
 * ({@link StoppedClockApp}): a test moves it to {@link StoppedClockApp#LEFT} before a token's exp and connects with it.
 */
@Order(2)
class TokenExpiringTest {

    private static final StoppedClockApp stopped = new StoppedClockApp();

    @RegisterExtension
    static final RunningApp<App> app = stopped.app;

    @RegisterExtension
    final Sockets sockets = new Sockets(app);

    @Test
    void the_connection_is_told_ahead_that_its_token_expires() {
        Login login = Logins.login(app.http(), "john");
        stopped.nearItsEnd(login.token(), StoppedClockApp.LEFT);
        long connecting = System.nanoTime();
        Connection john = sockets.connectWithPayload(login.token());

        Connection.Event expiring = john.awaitEvent(TokenLifetimes.TOKEN_EXPIRING, Duration.ofSeconds(3),
                "A connection must be told token_expiring " + StoppedClockApp.AHEAD.toMillis() + " ms (TOKEN_EXPIRING_AHEAD_MS)"
                        + " before its token expires. Open steps/11-token-refresh/src/main/java/kata/TokenLifetimes.java");
        Duration after = Duration.ofNanos(System.nanoTime() - connecting);

        assertThat(after).as("when token_expiring came, after the connection opened with " + StoppedClockApp.LEFT.toMillis()
                + " ms left: not before " + StoppedClockApp.AHEAD.toMillis() + " ms before exp. Open"
                + " steps/11-token-refresh/src/main/java/kata/TokenLifetimes.java")
                .isGreaterThanOrEqualTo(StoppedClockApp.LEFT.minus(StoppedClockApp.AHEAD).minusMillis(50));
        // the app's clock stands still: the time left it reads is what was left when the connection opened
        assertThat(Long.parseLong(expiring.payload())).as("milliseconds its token has left").isBetween(0L, StoppedClockApp.LEFT.toMillis());
        assertThat(john.ask("whoami")).isEqualTo("john");
    }

    @Test
    void a_connection_that_does_not_reauthenticate_ends_at_exp() {
        Login login = Logins.login(app.http(), "john");
        stopped.nearItsEnd(login.token(), StoppedClockApp.LEFT);
        Connection john = sockets.connectWithPayload(login.token());

        john.awaitEvent(TokenLifetimes.TOKEN_EXPIRING, Duration.ofSeconds(3), "");

        assertThat(john.awaitEvent("session_ended", Duration.ofSeconds(3), "").payload()).isEqualTo("session expired");
    }
}
