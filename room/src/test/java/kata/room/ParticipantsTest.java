package kata.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cli.Participant;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Participants through the command line's own code (cli.RoomLink, as ./kata join and ./kata watch run it), each
 * with a .kata/ of its own: they join, their verdicts reach the room, a wrong code says so, and a room that is
 * down, gone or closed never slows a verdict down.
 */
class ParticipantsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @TempDir
    Path alicesLaptop;
    @TempDir
    Path bobsLaptop;

    private final List<Room> rooms = new ArrayList<>();

    private Room open(Room.Settings settings) {
        Room room = Room.start(settings);
        rooms.add(room);
        return room;
    }

    @AfterEach
    void close() {
        rooms.forEach(Room::close);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> lines(Room room) {
        return (List<Map<String, Object>>) room.snapshot().get("participants");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> step(Map<String, Object> line, String step) {
        return ((Map<String, Map<String, Object>>) line.get("steps")).get(step);
    }

    @Test
    void two_participants_join_and_the_room_sees_each_verdict_of_theirs() {
        Room room = open(Rooms.settings());
        Participant alice = new Participant(alicesLaptop);
        Participant bob = new Participant(bobsLaptop);
        assertThat(alice.join(Rooms.url(room), Rooms.CODE, "Alice")).isZero();
        assertThat(bob.join(Rooms.url(room), Rooms.CODE, "Bob")).isZero();
        assertThat(alice.statusLine()).startsWith("Room: joined " + Rooms.url(room) + " as Alice");

        alice.verdict("03-protected-route", 2, 5, "kata.SelfRouteTest.an_expired_token_gets_401");
        bob.verdict("01-login", 4, 4, null);
        await().atMost(PATIENCE).until(() -> alice.delivered() && bob.delivered());

        List<Map<String, Object>> lines = lines(room);
        assertThat(lines).extracting(l -> l.get("name")).containsExactly("Alice", "Bob");
        assertThat(lines.get(0).get("step")).isEqualTo("03");
        assertThat(step(lines.get(0), "03")).containsEntry("state", "red").containsEntry("passed", 2).containsEntry("total", 5)
                .containsEntry("failing", "SelfRouteTest#an_expired_token_gets_401").containsEntry("minutes", 0);
        assertThat(step(lines.get(0), "01")).containsEntry("state", "not started");
        assertThat(step(lines.get(1), "01")).containsEntry("state", "green").containsEntry("failing", null);

        // what leaves the laptop: steps, states, counts, a test's name, hints, minutes; no path, no code, no user name
        assertThat(alice.report()).doesNotContain(alicesLaptop.toString()).doesNotContain(System.getProperty("user.name") + "\"")
                .startsWith("{\"step\":\"03\",\"steps\":[{\"step\":\"01\",\"state\":\"not started\",\"passed\":null,\"total\":null,"
                        + "\"failing\":null,\"hints\":null,\"minutes\":null}");

        alice.verdict("03-protected-route", 5, 5, null);
        await().atMost(PATIENCE).until(() -> "green".equals(step(lines(room).get(0), "03").get("state")));

        alice.leave();
        assertThat(lines(room)).extracting(l -> l.get("name")).containsExactly("Bob");
        assertThat(alice.statusLine()).isNull();
    }

    @Test
    void a_wrong_code_or_no_room_says_so_once_and_joins_nothing() throws IOException {
        Room room = open(Rooms.settings());
        Participant alice = new Participant(alicesLaptop);
        String said = stderrOf(() -> assertThat(alice.join(Rooms.url(room), "AAA-AAA", "Alice")).isEqualTo(1));
        assertThat(said).isEqualTo("The room at " + Rooms.url(room) + " said no: wrong join code.\n");
        assertThat(alice.statusLine()).isNull();
        int closed = freePort();
        said = stderrOf(() -> assertThat(alice.join("http://127.0.0.1:" + closed, Rooms.CODE, "Alice")).isEqualTo(1));
        assertThat(said).startsWith("No room answers at http://127.0.0.1:" + closed + " (connection refused)");
        assertThat(lines(room)).isEmpty();
    }

    /**
     * The cost of a room that is down for a verdict: what ./kata watch waits for before it shows the next
     * verdict (noting the verdict, writing the report, handing it to the sender). A closed port answers at
     * once; an address nobody answers for (a laptop that left the Wi-Fi) would make a verdict wait the whole
     * connect timeout (1 s) if the report were not sent in the background. A busy machine may hold any thread
     * back now and then, so the typical cost (the median) is held to 50 ms, and every one to less than the
     * connect timeout: no verdict ever waited for the network.
     */
    @Test
    void a_room_that_is_down_costs_a_verdict_less_than_50_ms_and_gets_the_report_when_it_is_back() throws IOException {
        Room room = open(Rooms.settings());
        Participant alice = new Participant(alicesLaptop).retryingEvery(Duration.ofMillis(300));
        assertThat(alice.join(Rooms.url(room), Rooms.CODE, "Alice")).isZero();
        Room.Settings same = Rooms.again(room);
        String url = Rooms.url(room);
        room.close();

        List<Long> closed = costs(alice, 20);
        alice.pointAt("http://10.255.255.1:4000");
        List<Long> silent = costs(alice, 10);
        System.out.println("A room that is down: the cost of each verdict, in ms: closed port " + closed + ", no answer " + silent);
        for (List<Long> costs : List.of(closed, silent)) {
            assertThat(costs.stream().sorted().toList().get(costs.size() / 2)).as("the median cost of a verdict, in ms: " + costs).isLessThan(50);
            assertThat(costs).as("no verdict waits for the room's connect timeout (1 s)").allMatch(ms -> ms < 1_000);
        }
        assertThat(alice.delivered()).isFalse();

        // back: the report that waited goes (./kata watch sends it again by itself)
        alice.pointAt(url);
        Room back = open(same);
        await().atMost(PATIENCE).until(alice::delivered);
        assertThat(lines(back)).extracting(l -> l.get("name")).containsExactly("Alice");
        assertThat(lines(back).get(0)).containsEntry("step", "02");
    }

    @Test
    void a_room_that_no_longer_knows_the_token_is_told_once_and_gets_nothing_more() throws IOException {
        Room room = open(Rooms.settings());
        Participant alice = new Participant(alicesLaptop);
        assertThat(alice.join(Rooms.url(room), Rooms.CODE, "Alice")).isZero();
        Room.Settings newKey = Rooms.withSecret("another-key-of-at-least-32-bytes-0123456789".getBytes(StandardCharsets.UTF_8), room);
        room.close();
        // a new room on the same address: another key (./kata room --new)
        Room other = open(newKey);
        String said = stderrOf(() -> {
            alice.verdict("01-login", 1, 2, "kata.LoginRouteTest.a_bad_password_gets_401");
            await().atMost(PATIENCE).until(() -> alice.statusLine().contains("refused"));
            alice.verdict("01-login", 2, 2, null);
            alice.verdict("01-login", 2, 2, null);
        });
        assertThat(alice.statusLine()).contains("The room refused the last report (invalid or expired token: join the room again)");
        assertThat(said).as("said once, on ./kata watch's screen").isEqualTo("The room at " + Rooms.url(other)
                + " refused this laptop's report (invalid or expired token: join the room again). Join again (./kata join URL CODE)"
                + " or ./kata leave; until then nothing is sent.\n");
        assertThat(lines(other)).isEmpty();
    }

    /** The wall time of each of {@code n} verdicts, in ms. */
    private static List<Long> costs(Participant participant, int n) {
        List<Long> costs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            participant.verdict("02-jwt-signing", i % 3, 3, "kata.SigningTest.the_key_has_256_bits");
            costs.add((System.nanoTime() - start) / 1_000_000);
        }
        return costs;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String stderrOf(Runnable action) {
        PrintStream before = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(before);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
