package kata;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import kata.harness.Connection;
import kata.harness.Connection.Mode;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A burst of events reaches polling connections complete and in order. netty-socketio 2.0.14 answers
 * a poll with at most 50 packets and loses the 51st: see
 * plumbing/src/main/java/kata/plumbing/PollAnswerLimit.java and docs/netty-socketio-bugs.md.
 */
class PollBurstTest {

    static final int BURST = 200;
    static final int EACH_MODE = 4;
    static final Duration DELIVERED_WITHIN = Duration.ofSeconds(10);

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> App.start(Config.fromEnvironment(env)), App::httpPort)
            .withSocketPort(App::ioPort);

    @RegisterExtension
    final Sockets sockets = new Sockets(app);

    @Test
    void a_burst_of_200_events_reaches_polling_only_and_polling_first_connections_complete_and_in_order() {
        String token = app.http().login("john", "changeit");
        List<Connection> connections = new ArrayList<>();
        for (int i = 0; i < EACH_MODE; i++) {
            connections.add(sockets.open(token, Mode.POLLING_ONLY));
            // the burst goes out right after connect, while these are still polling: what a page gets
            // when it is sent something as soon as it connects
            connections.add(sockets.open(token, Mode.POLLING_FIRST_LATE_PROBE_ANSWER));
        }
        connections.forEach(Connection::awaitConnected);

        for (int seq = 0; seq < BURST; seq++) {
            app.app().rooms().sendTo(1, "seq", seq);
        }

        List<String> expected = IntStream.range(0, BURST).mapToObj(String::valueOf).toList();
        for (Connection connection : connections) {
            // the last event of the burst, then everything before it must have come too
            connection.awaitEvent("seq", String.valueOf(BURST - 1), DELIVERED_WITHIN);
            List<String> got = connection.events("seq").stream().map(Connection.Event::payload).toList();
            assertThat(got).as("the events one connection got, in the order it got them (a gap at 50, 101, 152 is the 51st"
                    + " packet of a poll answer, lost: see plumbing/src/main/java/kata/plumbing/PollAnswerLimit.java)")
                    .containsExactlyElementsOf(expected);
        }
    }
}
