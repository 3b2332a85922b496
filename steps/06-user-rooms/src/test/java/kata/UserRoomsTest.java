package kata;

import static kata.harness.ReplyAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import kata.harness.Connection;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import kata.harness.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Step 06: every connection joins its user's room, so the app can reach all of a user's tabs at once. */
class UserRoomsTest {

    private static final String ROOMS = "steps/06-user-rooms/src/main/java/kata/UserRooms.java";
    private static final String ROUTE = "steps/06-user-rooms/src/main/java/kata/NotifyRoute.java";
    private static final Duration QUIET = Duration.ofMillis(300);
    private static final String JOINED = "Is every connection in its user's room? UserRooms.join runs in the connect listener:"
            + " if it fails, the server logs \"connect of ... failed\" and the client stays in no room. Open " + ROOMS;

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> App.start(Config.fromEnvironment(env)), App::httpPort)
            .withSocketPort(App::ioPort);

    @RegisterExtension
    final Sockets sockets = new Sockets(app);

    @Test
    void john_gets_the_event_on_both_tabs_and_jane_on_none() {
        Connection johnsFirstTab = sockets.connect(app.http().login("john", "changeit"));
        Connection johnsSecondTab = sockets.connect(app.http().login("john", "changeit"));
        Connection jane = sockets.connect(app.http().login("jane", "changeit"));

        int sent = app.app().rooms().sendTo(1, "foo", "bar");

        assertThat(johnsFirstTab.awaitEvent("foo", JOINED).payload()).as("the guide's io.to(\"user:1\").emit(\"foo\", \"bar\"). Open " + ROOMS)
                .isEqualTo("bar");
        assertThat(johnsSecondTab.awaitEvent("foo", JOINED).payload()).isEqualTo("bar");
        jane.assertNoEvent("foo", QUIET, "it was sent to john's room, and jane is not john. Open " + ROOMS);
        assertThat(sent).as("sendTo says how many connections it reached. Open " + ROOMS).isEqualTo(2);
    }

    @Test
    void a_closed_tab_gets_nothing_more() {
        Connection stays = sockets.connect(app.http().login("john", "changeit"));
        Connection closes = sockets.connect(app.http().login("john", "changeit"));
        closes.close();

        org.awaitility.Awaitility.await("john's room holds his one open tab (UserRooms.join puts each connection in"
                        + " its user's room, and a closed one leaves it). Open " + ROOMS)
                .atMost(Connection.PATIENCE)
                .until(() -> app.app().rooms().sendTo(1, "ping-count", "") == 1);
        app.app().rooms().sendTo(1, "foo", "bar");

        assertThat(stays.awaitEvent("foo", JOINED).payload()).isEqualTo("bar");
        closes.assertNoEvent("foo", QUIET, "a closed connection leaves every room");
    }

    @Test
    void the_room_is_joined_before_the_client_hears_connected() {
        Connection john = sockets.connect(app.http().login("john", "changeit"));

        assertThat(app.app().rooms().sendTo(1, "foo", "bar"))
                .as("join the room first thing in the connect listener, before anything can be sent. Open " + ROOMS)
                .isEqualTo(1);
        assertThat(john.awaitEvent("foo", JOINED).payload()).isEqualTo("bar");
    }

    @Test
    void post_notify_sends_foo_to_the_signed_in_users_own_connections() {
        String johnsToken = app.http().login("john", "changeit");
        Connection john = sockets.connect(johnsToken);
        Connection jane = sockets.connect(app.http().login("jane", "changeit"));

        assertThat(app.http().postWithToken("/notify", johnsToken))
                .whereToLook(ROUTE + ": rooms.sendTo(user.id(), \"foo\", \"bar\"), then answer {\"connections\": n}."
                        + " If n is 0, the connection is in no room: " + ROOMS + ", UserRooms.join.")
                .hasStatus(200)
                .hasJson("{\"connections\":1}");
        assertThat(john.awaitEvent("foo", JOINED).payload()).isEqualTo("bar");
        jane.assertNoEvent("foo", QUIET, "POST /notify reaches the caller's own connections only. Open " + ROUTE);
    }

    @Test
    void post_notify_without_a_token_gets_401() {
        assertThat(app.http().send(app.http().request("/notify").POST(java.net.http.HttpRequest.BodyPublishers.noBody()), "POST /notify"))
                .whereToLook(ROUTE + ": the user comes from strategy.authenticate(..), which throws Unauthorized.")
                .hasJsonError(401, "no token");
    }

    @Test
    void what_two_tabs_of_john_see() {
        String token = app.http().login("john", "changeit");
        Connection first = sockets.connect(token);
        Connection second = sockets.connect(token);
        // the route first: while it is a TODO, the missing event would send you to the wrong file
        assertThat(app.http().postWithToken("/notify", token))
                .whereToLook(ROUTE + ": rooms.sendTo(user.id(), \"foo\", \"bar\"), then answer {\"connections\": n}.")
                .hasStatus(200);
        first.awaitEvent("foo", JOINED);
        second.awaitEvent("foo", JOINED);

        Transcript.verify("first tab: " + first.ask("whoami") + " " + first.events("foo")
                + "\nsecond tab: " + second.ask("whoami") + " " + second.events("foo"));
    }
}
