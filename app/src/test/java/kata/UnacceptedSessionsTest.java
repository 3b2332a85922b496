package kata;

import static kata.harness.ReplyAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import kata.harness.Connection;
import kata.harness.RawSession;
import kata.harness.Reply;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Only an accepted connection is its user's: a session that never sent its Socket.IO CONNECT (README's
 * curl #6 makes one), or whose CONNECT was refused, is counted by neither {@code POST /notify} nor
 * {@code POST /logout}, gets no event, and does not make its user online. netty-socketio alone would
 * count it from its handshake on (the connect listener runs when the transport is bound): plumbing's
 * ConnectGate, and rooms joined in SocketServer.authenticate, are what make it so.
 */
class UnacceptedSessionsTest {

    private static final String HANDSHAKE = "/socket.io/?EIO=4&transport=polling";

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> App.start(Config.fromEnvironment(env)), App::httpPort)
            .withSocketPort(App::ioPort);

    @RegisterExtension
    final Sockets sockets = new Sockets(app);

    @Test
    void sessions_without_an_accepted_connect_are_counted_by_neither_notify_logout_nor_presence() {
        String johnsToken = app.http().login("john", "changeit");
        String janesToken = app.http().login("jane", "changeit");
        Connection johnsTab = sockets.connectWithPayload(johnsToken);

        // README's curl #6: a polling handshake with a good header, and nothing after it
        for (String token : new String[] {johnsToken, janesToken}) {
            Reply handshake = app.socketHttp().get(HANDSHAKE, "Authorization", "Bearer " + token);
            assertThat(handshake).hasStatus(200);
            assertThat(handshake.body()).startsWith("0{\"sid\":");
        }
        // and what it says of the others: a bad token gets a bare 401, no token a session (its token may come in the CONNECT)
        Reply bad = app.socketHttp().get(HANDSHAKE, "Authorization", "Bearer not-a-jwt");
        assertThat(bad).hasStatus(401);
        assertThat(bad.body()).isEmpty();
        assertThat(bad.header("WWW-Authenticate")).isEmpty();
        assertThat(app.socketHttp().get(HANDSHAKE)).hasStatus(200);
        // the same over a websocket, and one whose CONNECT is refused (a good header, a payload of another user)
        RawSession silent = sockets.openRaw(Map.of("Authorization", "Bearer " + johnsToken));
        silent.awaitFrame("0{", "a good header opens the session");
        RawSession refused = sockets.openRaw(Map.of("Authorization", "Bearer " + johnsToken));
        refused.awaitFrame("0{", "a good header opens the session");
        refused.send("40{\"token\":\"" + janesToken + "\"}");
        assertThat(refused.awaitFrame("44", "john's header, jane's payload")).isEqualTo("44{\"message\":\"invalid token\"}");
        assertThat(app.app().sockets().unconnectedSessions()).as("the sessions that never sent a CONNECT, still open").isEqualTo(4);

        assertThat(app.http().postWithToken("/notify", johnsToken)).as("john has one connection: his tab")
                .hasStatus(200).hasJson("{\"connections\":1}");
        johnsTab.awaitEvent("foo");
        silent.assertNoFrame("42", Duration.ofMillis(200), "a session without an accepted CONNECT is in no room");
        assertThat(refused.frames()).as("a refused session is in no room").noneMatch(frame -> frame.startsWith("42"));

        assertThat(app.app().presence().isUserConnected(2)).as("jane only made a handshake: she is not online").isFalse();
        assertThat(app.http().getWithToken("/users/2/online", johnsToken)).hasStatus(200).hasJson("{\"online\":false}");

        assertThat(app.http().postWithToken("/logout", johnsToken)).as("the logout ends john's one connection with this token")
                .hasStatus(200).hasJson("{\"disconnected\":1}");
        johnsTab.awaitEvent("session_ended");
    }
}
