package kata;

import static kata.harness.ReplyAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import kata.Logins.Login;
import kata.harness.Connection;
import kata.harness.RedisServer;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import kata.harness.TestClock;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step 11 on two nodes: a login refreshes on any node, and a refresh token used twice, on two nodes, ends
 * the login on both: its refresh token, its access tokens and its connections wherever they are.
 */
@Order(4)
class RefreshAcrossNodesTest {

    @RegisterExtension
    @Order(0)
    static final RedisServer redis = new RedisServer();

    /** The nodes' clock, one for both: the test moves it past the grace instead of waiting for it. */
    private static final TestClock clock = new TestClock();

    @RegisterExtension
    @Order(1)
    static final RunningApp<App> nodeA = Nodes.node(redis, clock);

    @RegisterExtension
    @Order(2)
    static final RunningApp<App> nodeB = Nodes.node(redis, clock);

    @RegisterExtension
    final Sockets onA = new Sockets(nodeA);

    @RegisterExtension
    final Sockets onB = new Sockets(nodeB);

    @Test
    void a_login_made_on_A_refreshes_on_B_and_then_on_A_again() {
        Login onNodeA = Logins.login(nodeA.http(), "john");

        Login onNodeB = Logins.refreshed(nodeB.http(), onNodeA.refreshToken());
        Login backOnA = Logins.refreshed(nodeA.http(), onNodeB.refreshToken());

        assertThat(nodeA.http().getWithToken("/self", onNodeB.token())).hasStatus(200);
        assertThat(nodeB.http().getWithToken("/self", backOnA.token())).hasStatus(200);
    }

    @Test
    void a_refresh_token_used_on_A_and_again_on_B_ends_the_login_on_both_nodes() {
        Login login = Logins.login(nodeA.http(), "john");
        Login other = Logins.login(nodeB.http(), "john");
        Connection tabOnA = onA.connectWithPayload(login.token());
        Connection tabOnB = onB.connectWithPayload(login.token());
        Connection otherOnB = onB.connectWithPayload(other.token());
        Login rotated = Logins.refreshed(nodeA.http(), login.refreshToken());

        // the same token on node B at once: two tabs that refreshed together, which the grace lets through
        assertThat(Logins.refreshed(nodeB.http(), login.refreshToken()).refreshToken()).as("node B sees the rotation made on A")
                .isEqualTo(rotated.refreshToken());
        tabOnA.assertNoEvent("session_ended", Duration.ofMillis(300), "within the grace, a replaced refresh token is no reuse");

        clock.advance(Nodes.GRACE.plusMillis(1));
        assertThat(Logins.refresh(nodeB.http(), login.refreshToken())).as("the grace is over: someone else holds the token. Open "
                + Nodes.FAMILIES).hasJsonError(401, "refresh token reused");
        Connection.Event endedOnB = tabOnB.awaitEvent("session_ended", "node B ends its own tab of the login");
        assertThat(endedOnB.payload()).isEqualTo("refresh token reused");
        assertThat(tabOnA.awaitEvent("session_ended", Duration.ofSeconds(2), "node A hears of the revoked login through Redis")
                .payload()).isNotEmpty();
        assertThat(Logins.refresh(nodeA.http(), rotated.refreshToken())).hasJsonError(401, "refresh token revoked");
        assertThat(nodeA.http().getWithToken("/self", rotated.token())).hasJsonError(401, "token revoked");
        assertThat(otherOnB.ask("whoami")).as("john's other login is not touched").isEqualTo("john");
    }
}
