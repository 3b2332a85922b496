package cli;

import static cli.Disk.ROOT;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The steps, found by one rule: a folder steps/NN-name that holds a step.properties (its manifest).
 * ./kata check proves that every one has its solution, its module in steps/pom.xml, and a README.md
 * whose first lines say what the manifest says.
 */
final class Steps {

    static final String MANIFEST = "step.properties";

    private static List<Step> all;

    private Steps() {
    }

    static synchronized List<Step> all() {
        if (all != null) {
            return all;
        }
        if (!Files.isDirectory(ROOT.resolve("solutions")) || !Files.isDirectory(ROOT.resolve("steps"))) {
            throw new Problem("This is not the kata's folder (no solutions/ here): " + ROOT);
        }
        List<Step> steps = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(ROOT.resolve("steps"))) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().matches("\\d\\d-.+")).sorted().toList()) {
                if (Files.isRegularFile(dir.resolve(MANIFEST))) {
                    steps.add(new Step(dir.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            throw new Problem("Cannot read the steps in " + ROOT.resolve("steps") + ": " + e.getMessage());
        }
        all = List.copyOf(steps);
        return all;
    }

    /** The steps' folder names: 01-login, 02-jwt-signing, ... */
    static List<String> names() {
        return all().stream().map(Step::name).toList();
    }

    static Properties manifest(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new Problem("Cannot read " + Disk.relative(file) + ": " + e.getMessage());
        }
        return p;
    }

    /** "1", "01", "01-login" or "login" name a step. */
    static Step step(String given) {
        for (Step s : all()) {
            if (s.name().equals(given) || s.number().equals(given) || s.number().equals("0" + given)
                    || s.name().substring(3).equals(given)) {
                return s;
            }
        }
        throw new Problem("There is no step " + given + ". The steps: "
                + all().stream().map(Step::number).collect(Collectors.joining(", ")));
    }

    static Step argument(List<String> args, String command) {
        List<String> plain = args.stream().filter(a -> !a.startsWith("--")).toList();
        if (plain.isEmpty()) {
            throw new Problem("Which step? For example: ./kata " + command + " 01");
        }
        return step(plain.get(0));
    }

    static Optional<Step> after(Step step) {
        List<Step> steps = all();
        int i = steps.indexOf(step);
        return i + 1 < steps.size() ? Optional.of(steps.get(i + 1)) : Optional.empty();
    }

    /**
     * The source roots of a step's main code (its src/main, or its solution's): as steps/pom.xml
     * compiles it, the step's own java/ and plumbing/'s workarounds of netty-socketio's bugs. The fast
     * runner (KataRunner) and ./kata run compile these.
     */
    static List<Path> sources(Path main) {
        List<Path> roots = new ArrayList<>(List.of(main.resolve("java")));
        if (Files.isDirectory(ROOT.resolve("plumbing/src/main/java"))) {
            roots.add(ROOT.resolve("plumbing/src/main/java"));
        }
        return roots;
    }
}
