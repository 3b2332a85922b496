package cli;

import static cli.Disk.HOME;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Properties;

/** What ./kata remembers in .kata/state.properties: each step's last verdict, the hints shown, the steps skipped. */
final class State {
    private final Properties p = new Properties();
    private final Path file;

    State() {
        this(HOME);
    }

    /** The state kept in {@code home} (.kata/ of a kata's folder). */
    State(Path home) {
        file = home.resolve("state.properties");
        if (Files.isRegularFile(file)) {
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            } catch (IOException e) {
                // a damaged state file is forgotten, never fatal
            }
        }
    }

    String get(Step s, String key) {
        return get(s.name(), key);
    }

    String get(String step, String key) {
        return p.getProperty(step + "." + key);
    }

    void put(Step s, String key, String value) {
        put(s.name(), key, value);
    }

    void put(String step, String key, String value) {
        if (value == null) {
            p.remove(step + "." + key);
        } else {
            p.setProperty(step + "." + key, value);
        }
    }

    void save() {
        try {
            Files.createDirectories(file.getParent());
            try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                p.store(out, "what ./kata remembers: the last verdict of each step, the hints shown");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void record(Step step, Verdict v) {
        record(HOME, step.name(), v);
    }

    /** Notes the verdict of a run of all the step's tests (of the kata whose .kata/ is {@code home}). */
    static void record(Path home, String step, Verdict v) {
        State state = new State(home);
        // none failed, and some could not run here (no redis-server, no browser): skipped, and why, not red
        boolean skipped = !v.green() && v.error == null && v.compileErrors.isEmpty() && v.firstFailure().isEmpty() && v.firstSkip().isPresent();
        state.put(step, "result", v.green() ? "green" : skipped ? "skipped" : "red");
        state.put(step, "reason", skipped ? v.firstSkip().get().message().strip().lines().findFirst().orElse("") : null);
        // a watch run stops at the first failure, so it knows no total
        state.put(step, "tests", v.passed + "/" + (v.stopped ? "?" : String.valueOf(v.results.size())));
        state.put(step, "at", Instant.now().toString());
        state.put(step, "skipped", null);
        // what the room is told (RoomLink): since when the step is worked on, and the first failing test
        if (state.get(step, "started") == null) {
            state.put(step, "started", Instant.now().toString());
        }
        state.put(step, "failing", v.green() || skipped ? null : failing(v));
        state.save();
    }

    /** The first failing test as LoginTokenTest#an_expired_token_gets_401, or why nothing ran. */
    static String failing(Verdict v) {
        if (!v.compileErrors.isEmpty()) {
            return "does not compile";
        }
        if (v.error != null) {
            return "the tests did not run";
        }
        return v.firstFailure().map(r -> {
            String name = r.reportName().startsWith("kata.") ? r.reportName().substring(5) : r.reportName();
            String shown = name.replaceFirst("\\.", "#");
            return shown.length() > 200 ? shown.substring(0, 200) : shown;
}).orElse(null);
    }
}
