package cli;

import static cli.Disk.ROOT;
import static cli.Disk.read;
import static cli.Disk.walk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** A step's starting code: its solution without the marked regions; and what a learner changed of it. */
final class StartingCode {

    private StartingCode() {
    }

    /** The step's starting code, as ./kata sync writes it from the solution. */
    static Map<Path, String> of(Step step) {
        try {
            return of(step.name());
        } catch (IOException | IllegalStateException e) {
            throw new Problem("Cannot write the starting code of step " + step.number() + ": " + e.getMessage());
        }
    }

    /** The starting code of a step, file by file (relative to src/main): its solution without the marked regions. */
    static Map<Path, String> of(String step) throws IOException {
        Path from = ROOT.resolve("solutions").resolve(step).resolve("src/main");
        Map<Path, String> expected = new TreeMap<>();
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                String stripped = file.toString().endsWith(".java") ? Markers.strip(text, from.relativize(file)) : text;
                expected.put(from.relativize(file), stripped);
            }
        }
        return expected;
    }

    /** Files of the step's src/main that differ from its starting code: edited, added or deleted. */
    static Map<Path, String> changedFiles(Step step, Map<Path, String> starting) {
        Map<Path, String> changed = new TreeMap<>();
        for (Map.Entry<Path, String> e : starting.entrySet()) {
            Path file = step.main().resolve(e.getKey());
            if (!Files.isRegularFile(file)) {
                changed.put(e.getKey(), "deleted");
            } else if (!read(file).equals(e.getValue())) {
                changed.put(e.getKey(), "edited");
            }
        }
        for (Path f : walk(step.main())) {
            Path rel = step.main().relativize(f);
            if (!starting.containsKey(rel)) {
                changed.put(rel, "added");
            }
        }
        return changed;
    }
}
