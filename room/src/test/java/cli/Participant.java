package cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A participant of the room's tests, through the command line's own code: {@code ./kata join} and
 * {@code ./kata leave} ({@link RoomLink}), and each verdict as ./kata watch notes it ({@link State#record}) and
 * reports it (in the background, from this JVM). {@code home} stands for its laptop's .kata/.
 */
public final class Participant {

    /** The steps of the kata, as every report lists them. */
    public static final List<String> STEPS = List.of("01-login", "02-jwt-signing", "03-protected-route", "04-handshake");

    private final Path home;
    private final RoomLink link;

    public Participant(Path home) {
        this.home = home;
        this.link = new RoomLink(home);
    }

    /** Reports that the room did not get go again this often (./kata watch: every 15 s). */
    public Participant retryingEvery(Duration retry) {
        link.retry = retry;
        return this;
    }

    /** ./kata join URL CODE --name NAME: 0, or 1 with the reason on stderr. */
    public int join(String url, String code, String name) {
        return link.join(url, code, name);
    }

    /** A run of the step's tests as ./kata watch reports it: green when {@code failing} is null. */
    public void verdict(String step, int passed, int total, String failing) {
        Verdict v = new Verdict();
        v.done = true;
        for (int i = 0; i < passed; i++) {
            v.results.add(new Verdict.TestResult("passed", "kata.SomeTest.passing_" + i, "passing " + i, ""));
            v.passed++;
        }
        for (int i = passed; i < total; i++) {
            v.results.add(new Verdict.TestResult("failed", i == passed ? failing : "kata.SomeTest.later_" + i, "failing", "expected"));
            v.failed++;
        }
        State.record(home, step, v);
        link.verdict(STEPS, step, true);
    }

    /** Whether the room has its latest report. */
    public boolean delivered() {
        return link.delivered();
    }

    /** The latest report, as it is sent. */
    public String report() {
        return link.load().getProperty("pending");
    }

    /** The room's participant token, as .kata/room.properties keeps it. */
    public String token() {
        return link.load().getProperty("token");
    }

    /** What ./kata shows about the room, or null when it is in none. */
    public String statusLine() {
        return link.statusLine();
    }

    /** Points this laptop's link at another address (a room that moved, or is gone). */
    public void pointAt(String url) {
        link.update(p -> p.setProperty("url", url));
    }

    /** ./kata leave */
    public void leave() {
        link.leave(link.load());
    }
}
