package kata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import kata.harness.Connection;
import kata.harness.Connection.Mode;
import kata.harness.LogCapture;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients come and go the way real ones do: john's connections open and close a thousand times, at
 * every stage of the handshake and of the upgrade, some vanish, some are killed. Afterwards nothing of
 * them is left on the server, the log has no warning about them, and jane, connected all along,
 * noticed nothing.
 */
@Isolated
class ChurnTest {

    static final int CYCLES = 1_000;
    static final int IN_FLIGHT = 16;
    /** A clean close leaves presence and the room within this time. */
    static final Duration SETTLED_WITHIN = Duration.ofSeconds(1);
    /** Short pings, so that a client that vanished is noticed within seconds (and jane still has 4 s to answer one). */
    static final Duration PING_INTERVAL = Duration.ofSeconds(1);
    static final Duration PING_TIMEOUT = Duration.ofSeconds(4);
    static final Duration NOTICED_WITHIN = PING_INTERVAL.plus(PING_TIMEOUT).plusSeconds(1);

    /** When a cycle closes its connection. */
    enum Moment {
        /** as soon as it is connected: for a polling-first client, in the middle of the upgrade */
        ON_CONNECT,
        /** once it runs on websocket */
        AFTER_THE_UPGRADE,
        /** after an event went both ways */
        AFTER_AN_EVENT
    }

    static final Mode[] MODES = {Mode.POLLING_FIRST, Mode.POLLING_FIRST_LATE_PROBE_ANSWER, Mode.WEBSOCKET_ONLY, Mode.POLLING_ONLY};

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> {
        Map<String, String> shortPings = new HashMap<>(env);
        shortPings.put("PING_INTERVAL_MS", String.valueOf(PING_INTERVAL.toMillis()));
        shortPings.put("PING_TIMEOUT_MS", String.valueOf(PING_TIMEOUT.toMillis()));
        return App.start(Config.fromEnvironment(shortPings));
    }, App::httpPort).withSocketPort(App::ioPort);

    @RegisterExtension
    final Sockets sockets = new Sockets(app);

    @RegisterExtension
    final LogCapture log = new LogCapture();

    @Test
    void a_thousand_connections_closed_at_any_moment_leave_johns_room_within_a_second_and_jane_notices_nothing() throws Exception {
        Connection jane = sockets.connect(app.http().login("jane", "changeit"));
        String johnsToken = app.http().login("john", "changeit");
        Random random = new Random(8);
        AtomicInteger sentToJohn = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(IN_FLIGHT);
        try {
            List<Future<?>> cycles = new ArrayList<>();
            for (int i = 0; i < CYCLES; i++) {
                Mode mode = MODES[random.nextInt(MODES.length)];
                Moment moment = Moment.values()[random.nextInt(Moment.values().length)];
                boolean sendToJohn = i % 10 == 0;
                cycles.add(clients.submit(() -> {
                    try (Connection john = sockets.open(johnsToken, mode)) {
                        john.awaitConnected();
                        if (moment == Moment.AFTER_THE_UPGRADE && mode != Mode.POLLING_ONLY) {
                            john.awaitWebsocket(Connection.PATIENCE);
                        }
                        if (moment == Moment.AFTER_AN_EVENT) {
                            assertThat(john.ask("whoami")).isEqualTo("john");
                        }
                        if (sendToJohn) {
                            app.app().rooms().sendTo(1, "foo", "for john");
                            sentToJohn.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> cycle : cycles) {
                cycle.get(3 * Connection.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            clients.shutdownNow();
        }

        awaitOffline(1, SETTLED_WITHIN, "after his " + CYCLES + " connections had closed: a session outlived its client");
        assertThat(app.app().rooms().sendTo(1, "foo", "nobody")).as("connections left in john's room").isZero();
        janeNoticedNothing(jane, sentToJohn.get());
    }

    @Test
    void connections_that_vanish_mid_handshake_or_are_killed_are_gone_within_the_ping_bound() throws Exception {
        Connection jane = sockets.connect(app.http().login("jane", "changeit"));
        String johnsToken = app.http().login("john", "changeit");
        List<Connection> johns = new ArrayList<>();
        for (Mode mode : MODES) {
            for (int i = 0; i < 5; i++) {
                // closed at once, mid-handshake: the server may have made the session, the client never
                // learns its id and cannot say goodbye. For the server, it is a client that vanished.
                sockets.open(johnsToken, mode).close();
                johns.add(sockets.open(johnsToken, mode).awaitConnected());
            }
        }
        johns.forEach(Connection::kill);

        awaitOffline(1, NOTICED_WITHIN, "after his connections were killed, which is ping interval " + PING_INTERVAL.toMillis()
                + " ms + ping timeout " + PING_TIMEOUT.toMillis() + " ms + 1 s");
        assertThat(app.app().rooms().sendTo(1, "foo", "nobody")).as("connections left in john's room").isZero();
        janeNoticedNothing(jane, 1);
    }

    private void janeNoticedNothing(Connection jane, int sentToJohn) {
        assertThat(jane.events("disconnect")).as("jane, connected all along, was never disconnected").isEmpty();
        assertThat(jane.ask("whoami")).as("jane's connection still works").isEqualTo("jane");
        assertThat(app.app().presence().isUserConnected(2)).as("jane is online").isTrue();
        jane.assertNoEvent("foo", Duration.ofMillis(100), sentToJohn + " events were sent to john's room, none to jane");
        assertThat(log.lines()).as("what the app logged while clients came and went as clients do: nothing above INFO")
                .noneMatch(line -> line.contains(" WARN ") || line.contains(" ERROR ") || line.contains("LEAK"));
    }

    private static void awaitOffline(int userId, Duration within, String when) {
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(10)).until(() -> !app.app().presence().isUserConnected(userId));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("user " + userId + " was still online " + within.toMillis() + " ms " + when);
        }
    }
}
