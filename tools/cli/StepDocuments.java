package cli;

import static cli.Disk.ROOT;
import static cli.Disk.lines;
import static cli.Disk.read;
import static cli.Disk.relative;
import static cli.Main.OUT;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every step is declared the same way in each place that names it: its manifest (step.properties), its
 * folders in steps/ and solutions/, its module in steps/pom.xml, the first lines of its README.md, and
 * its HINTS.md in the form that {@code ./kata hint} reads.
 */
final class StepDocuments {

    private StepDocuments() {
    }

    /**
     * README.md begins with "# Step NN — title", a blank line, "> Goal: ...", then a "> Open: path" line
     * for each file of the manifest's edit and a "> Read: path" line for each of its read, in that order,
     * naming files that exist; HINTS.md has exactly the sections "## Hint 1", "## Hint 2" and "## Hint 3".
     */
    static int stepDocuments() throws IOException {
        int problems = folders();
        for (Step step : Steps.all()) {
            String nn = step.number();
            List<String> complaints = new ArrayList<>();
            if (!Files.isDirectory(step.solution())) {
                complaints.add("has no solution: " + relative(step.solution()) + " is missing");
            }
            complaints.addAll(manifest(step));
            Path readme = step.dir().resolve("README.md");
            if (!Files.isRegularFile(readme)) {
                complaints.add("has no README.md (its goal, the files to open, the command, a failure, ./kata hint " + nn + ")");
            } else {
                List<String> lines = lines(readme);
                List<String> header = new ArrayList<>();
                header.add("# Step " + nn + " \u2014 " + step.title());
                header.add("");
                header.add("> Goal: " + step.goal().orElse("<one line>"));
                step.edit().forEach(f -> header.add("> Open: " + f));
                step.read().forEach(f -> header.add("> Read: " + f));
                for (int i = 0; i < header.size(); i++) {
                    String found = i < lines.size() ? lines.get(i) : "(the end of the file)";
                    if (!found.equals(header.get(i))) {
                        complaints.add("README.md:" + (i + 1) + " reads \"" + found + "\" where step.properties says \"" + header.get(i)
                                + "\" (the title, the goal, an \"> Open:\" line per file to edit, a \"> Read:\" line per file to read)");
                        break;
                    }
                }
                if (header.size() < lines.size() && lines.get(header.size()).matches(">\\s*(Goal|Open|Read):.*")) {
                    complaints.add("README.md:" + (header.size() + 1) + ": \"" + lines.get(header.size()) + "\" is not in step.properties");
                }
            }
            Path hints = step.dir().resolve("HINTS.md");
            if (!Files.isRegularFile(hints)) {
                complaints.add("has no HINTS.md (## Hint 1, ## Hint 2, ## Hint 3)");
            } else {
                List<String> sections = lines(hints).stream().filter(l -> l.startsWith("## ")).toList();
                if (!sections.equals(List.of("## Hint 1", "## Hint 2", "## Hint 3"))) {
                    complaints.add("HINTS.md has the sections " + sections + ", not exactly ## Hint 1, ## Hint 2, ## Hint 3");
                }
            }
            complaints.forEach(c -> OUT.println("steps/" + step.name() + ": " + c));
            problems += complaints.size();
        }
        OUT.println("step documents: " + Steps.all().size() + " steps, " + problems
                + " problem(s) with their step.properties, README.md, HINTS.md or module in steps/pom.xml");
        return problems;
    }

    /** The manifest names a title and a goal, files to edit that exist, and lesson files in the solution. */
    static List<String> manifest(Step step) {
        List<String> complaints = new ArrayList<>();
        for (String key : List.of("title", "goal", "edit")) {
            if (step.manifest().getProperty(key, "").isBlank()) {
                complaints.add("step.properties has no " + key);
            }
        }
        for (String file : Stream.concat(step.edit().stream(), step.read().stream()).toList()) {
            if (!Files.isRegularFile(ROOT.resolve(file))) {
                complaints.add("step.properties names " + file + ", which does not exist");
            }
        }
        return complaints;
    }

    /** Each folder steps/NN-name has its manifest, each solution its step, each step its module in steps/pom.xml, and no other. */
    static int folders() throws IOException {
        TreeSet<String> steps = new TreeSet<>(Steps.names());
        TreeSet<String> folders = new TreeSet<>();
        for (String parent : List.of("steps", "solutions")) {
            try (Stream<Path> dirs = Files.list(ROOT.resolve(parent))) {
                dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).filter(n -> n.matches("\\d\\d-.+")).forEach(folders::add);
            }
        }
        TreeSet<String> modules = new TreeSet<>();
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(read(ROOT.resolve("steps/pom.xml")));
        while (m.find()) {
            modules.add(m.group(1).trim());
        }
        int problems = 0;
        for (String folder : folders) {
            if (!steps.contains(folder)) {
                OUT.println(folder + ": a folder of steps/ or solutions/ without steps/" + folder + "/" + Steps.MANIFEST + ", so no step of ./kata");
                problems++;
            }
        }
        for (String step : steps) {
            if (!modules.contains(step)) {
                OUT.println("steps/pom.xml: no <module>" + step + "</module>, so Maven never builds step " + step.substring(0, 2));
                problems++;
            }
        }
        for (String module : modules) {
            if (!steps.contains(module)) {
                OUT.println("steps/pom.xml: the module " + module + " is no step (no steps/" + module + "/" + Steps.MANIFEST + ")");
                problems++;
            }
        }
        return problems;
    }
}
