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
    private final Path file = HOME.resolve("state.properties");

    State() {
        if (Files.isRegularFile(file)) {
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            } catch (IOException e) {
                // a damaged state file is forgotten, never fatal
            }
        }
    }

    String get(Step s, String key) {
        return p.getProperty(s.name() + "." + key);
    }

    void put(Step s, String key, String value) {
        if (value == null) {
            p.remove(s.name() + "." + key);
        } else {
            p.setProperty(s.name() + "." + key, value);
        }
    }

    void save() {
        try {
            Files.createDirectories(HOME);
            try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                p.store(out, "what ./kata remembers: the last verdict of each step, the hints shown");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void record(Step step, Verdict v) {
        State state = new State();
        state.put(step, "result", v.green() ? "green" : "red");
        // a watch run stops at the first failure, so it knows no total
        state.put(step, "tests", v.passed + "/" + (v.stopped ? "?" : String.valueOf(v.results.size())));
        state.put(step, "at", Instant.now().toString());
        state.put(step, "skipped", null);
        state.save();
    }
}
