package cli;

import static cli.Disk.ROOT;
import static cli.Main.OUT;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Files carried from one solution to the next read the same, but for each step's lesson (./kata check). */
final class Carried {

    private Carried() {
    }

    /**
     * Each solution is a checkpoint that carries the previous one's files. The step's manifest
     * (steps/NN-name/step.properties, "lesson") lists the files (relative to src/main) that the step's
     * lesson changes besides the ones it adds; every other file must read as in the previous solution
     * (markers aside), or a fix made to one copy did not reach the others.
     */
    static int carried() throws IOException {
        List<String> steps = Steps.names();
        int problems = 0;
        int checked = 0;
        for (int i = 1; i < steps.size(); i++) {
            String before = steps.get(i - 1);
            String step = steps.get(i);
            Set<String> changes = new TreeSet<>(Steps.step(step).lesson());
            Path from = ROOT.resolve("solutions").resolve(before).resolve("src/main");
            Path to = ROOT.resolve("solutions").resolve(step).resolve("src/main");
            try (Stream<Path> files = Files.walk(to)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    String name = to.relativize(file).toString().replace('\\', '/');
                    Path previous = from.resolve(to.relativize(file));
                    if (changes.contains(name) || !Files.isRegularFile(previous)) {
                        continue;
                    }
                    checked++;
                    if (!Markers.solved(Files.readString(previous, StandardCharsets.UTF_8)).equals(Markers.solved(Files.readString(file, StandardCharsets.UTF_8)))) {
                        OUT.println("drifted: solutions/" + step + "/src/main/" + name + " differs from solutions/" + before
                                + "/src/main/" + name + ", and steps/" + step + "/step.properties does not list it as a change of the lesson:"
                                + " carry the fix to every copy (or list the file there)");
                        problems++;
                    }
                }
            }
            for (String name : changes) {
                if (!Files.isRegularFile(to.resolve(name))) {
                    OUT.println("steps/" + step + "/step.properties lists " + name + ", which is not in solutions/" + step + "/src/main");
                    problems++;
                }
            }
        }
        problems += foreignRegions(steps);
        OUT.println("carried: " + checked + " files carried unchanged from one solution to the next, " + problems + " drifted");
        return problems;
    }

    /**
     * A step starts from the previous step's solution: a region of an earlier step left marked in a later
     * solution would hand the learner that earlier step's TODO again. Each region's stub names its step
     * ("TODO step 09", "step 09:"); it must be the solution's own.
     */
    static int foreignRegions(List<String> steps) throws IOException {
        Pattern named = Pattern.compile("(?:TODO |\")step (\\d\\d)\\b");
        int problems = 0;
        for (String step : steps) {
            Path main = ROOT.resolve("solutions").resolve(step).resolve("src/main");
            String number = step.substring(0, 2);
            try (Stream<Path> files = Files.walk(main)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    boolean stub = false;
                    int lineNumber = 0;
                    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                        lineNumber++;
                        String trimmed = line.trim();
                        if (trimmed.equals(Markers.STUB)) {
                            stub = true;
                        } else if (trimmed.equals(Markers.END)) {
                            stub = false;
                        } else if (stub) {
                            Matcher m = named.matcher(trimmed);
                            if (m.find() && !m.group(1).equals(number)) {
                                OUT.println("solutions/" + step + "/src/main/" + main.relativize(file).toString().replace('\\', '/') + ":"
                                        + lineNumber + ": a region of step " + m.group(1) + " in step " + number + "'s solution: the step's"
                                        + " starting code would hand out step " + m.group(1) + "'s TODO again. Keep its solution lines, drop its markers.");
                                problems++;
                            }
                        }
                    }
                }
            }
        }
        return problems;
    }
}
