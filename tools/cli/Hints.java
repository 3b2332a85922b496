package cli;

import static cli.Disk.lines;
import static cli.Disk.relative;
import static cli.Main.OUT;
import static cli.Programs.parse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ./kata hint NN: the step's hints (its HINTS.md), one at a time. */
final class Hints {

    private Hints() {
    }

    static int hint(List<String> args) {
        Step step = Steps.argument(args, "hint");
        Path file = step.dir().resolve("HINTS.md");
        if (!Files.isRegularFile(file)) {
            throw new Problem("Step " + step.number() + " has no hints yet (" + relative(file) + "). The tests' messages, and TUTORIAL.md, say what to do.");
        }
        Map<Integer, String> hints = hints(file);
        if (hints.isEmpty()) {
            throw new Problem(relative(file) + " has no section headed \"## Hint 1\".");
        }
        State state = new State();
        int shown = parse(state.get(step, "hints"), 0);
        int next = shown + 1;
        if (!hints.containsKey(next)) {
            next = hints.keySet().stream().max(Integer::compare).orElse(1);
            OUT.println("(That was the last hint of step " + step.number() + "; here it is again. The reference: ./kata diff " + step.number() + ")");
        }
        OUT.println("Step " + step.number() + ", hint " + next + " of " + hints.size() + ":");
        OUT.println();
        OUT.println(hints.get(next).strip());
        OUT.println();
        if (hints.containsKey(next + 1)) {
            OUT.println("(./kata hint " + step.number() + " again shows hint " + (next + 1) + ".)");
        }
        state.put(step, "hints", String.valueOf(Math.max(shown, next)));
        state.save();
        return 0;
    }

    /** The sections "## Hint 1", "## Hint 2", ... of a HINTS.md, each up to the next heading. */
    static Map<Integer, String> hints(Path file) {
        Map<Integer, String> hints = new TreeMap<>();
        Integer current = null;
        StringBuilder text = new StringBuilder();
        for (String line : lines(file)) {
            Matcher m = Pattern.compile("^##\\s+Hint\\s+(\\d+)\\s*$").matcher(line);
            if (m.find() || line.startsWith("#")) {
                if (current != null) {
                    hints.put(current, text.toString());
                }
                current = m.find(0) ? Integer.valueOf(m.group(1)) : null;
                text.setLength(0);
            } else if (current != null) {
                text.append(line).append('\n');
            }
        }
        if (current != null) {
            hints.put(current, text.toString());
        }
        return hints;
    }
}
