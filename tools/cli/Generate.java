package cli;

import static cli.Disk.ROOT;
import static cli.Disk.sha256;
import static cli.Main.OUT;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@code ./kata sync} writes each step's starting code from its solution (without the marked regions,
 * see Markers), and {@code ./kata check} proves that it is current. The solutions are the one source of truth.
 */
final class Generate {

    private Generate() {
    }

    /**
     * What generate last wrote, as hashes: steps/NN-name/starting-code.sha256. A file of the starting code
     * that matches neither the new starting code nor this record was edited by hand (a learner's work,
     * most likely): generate does not overwrite it without --force.
     */
    static final String RECORD = "starting-code.sha256";

    static Map<Path, String> lastGenerated(String step) throws IOException {
        Map<Path, String> hashes = new TreeMap<>();
        Path record = ROOT.resolve("steps").resolve(step).resolve(RECORD);
        if (Files.isRegularFile(record)) {
            for (String line : Files.readAllLines(record, StandardCharsets.UTF_8)) {
                String[] parts = line.trim().split("\\s+", 2);
                if (parts.length == 2) {
                    hashes.put(Path.of(parts[1]), parts[0]);
                }
            }
        }
        return hashes;
    }

    static int generate(boolean write, boolean force) throws IOException {
        int problems = 0;
        List<String> edited = new ArrayList<>();
        for (String step : Steps.names()) {
            Path to = ROOT.resolve("steps").resolve(step).resolve("src/main");
            Map<Path, String> expected = StartingCode.of(step);
            Map<Path, String> generated = lastGenerated(step);
            Set<Path> actual = new TreeSet<>();
            if (Files.isDirectory(to)) {
                try (Stream<Path> files = Files.walk(to)) {
                    files.filter(Files::isRegularFile).map(to::relativize).forEach(actual::add);
                }
            }
            // first, whether anything here is someone's work: then nothing of this step is written
            List<Path> mine = new ArrayList<>();
            for (Path file : actual) {
                String text = Files.readString(to.resolve(file), StandardCharsets.UTF_8);
                boolean current = text.equals(expected.get(file));
                boolean asGenerated = sha256(text).equals(generated.get(file));
                if (!current && !asGenerated) {
                    mine.add(file);
                }
            }
            if (write && !mine.isEmpty() && !force) {
                mine.forEach(f -> edited.add(ROOT.relativize(to.resolve(f)).toString().replace('\\', '/')));
                continue;
            }
            for (Map.Entry<Path, String> e : expected.entrySet()) {
                Path target = to.resolve(e.getKey());
                boolean same = Files.isRegularFile(target) && Files.readString(target, StandardCharsets.UTF_8).equals(e.getValue());
                if (!same) {
                    if (write) {
                        Files.createDirectories(target.getParent());
                        Files.writeString(target, e.getValue(), StandardCharsets.UTF_8);
                        OUT.println("wrote " + ROOT.relativize(target));
                    } else {
                        OUT.println("differs from its solution: " + ROOT.relativize(target));
                        problems++;
                    }
                }
            }
            for (Path extra : actual) {
                if (!expected.containsKey(extra)) {
                    Path target = to.resolve(extra);
                    if (write) {
                        Files.delete(target);
                        OUT.println("deleted " + ROOT.relativize(target));
                    } else {
                        OUT.println("has no counterpart in solutions/" + step + ": " + ROOT.relativize(target));
                        problems++;
                    }
                }
            }
            if (write) {
                StringBuilder record = new StringBuilder();
                expected.forEach((file, text) -> record.append(sha256(text)).append("  ")
                        .append(file.toString().replace('\\', '/')).append('\n'));
                Path file = ROOT.resolve("steps").resolve(step).resolve(RECORD);
                Files.createDirectories(file.getParent());
                if (!Files.isRegularFile(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(record.toString())) {
                    Files.writeString(file, record.toString(), StandardCharsets.UTF_8);
                }
            }
        }
        if (!edited.isEmpty()) {
            OUT.println("Not written: these files of the starting code were edited by hand, and generating would overwrite them:");
            edited.forEach(f -> OUT.println("  " + f));
            OUT.println("If this is a learner's work, keep it (./kata reset NN puts one step back, after asking)."
                    + " If you write the kata and mean to throw these edits away: ./kata sync --force");
            problems += edited.size();
        }
        if (problems > 0 && !write) {
            OUT.println("The starting code of a step is not what its solution says it should be."
                    + " If you are working through the kata, that is your work, and this check is not for it:"
                    + " ./kata status and ./kata watch are. The check proves the kata as shipped, on a fresh clone."
                    + " (Authors of the kata: edit solutions/, then write the starting code from them.)");
        } else if (!write) {
            OUT.println("generated: every step's starting code is its solution without the marked regions");
        }
        return problems;
    }
}
