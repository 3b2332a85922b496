import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The command line's own test: in a copy of the kata (no Maven, no network), a learner's session of
 * commands through the launcher, and what each printed and its exit code, compared with the approved
 * transcript beside this file (tools/test/cli.approved.txt). Run from the kata's folder:
 * {@code java tools/test/CliTest.java}; {@code --approve} writes the transcript anew (read its diff first).
 */
public class CliTest {

    static final Path ROOT = Path.of("").toAbsolutePath().normalize();
    static final Path APPROVED = ROOT.resolve("tools/test/cli.approved.txt");
    static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase().startsWith("windows");

    /**
     * The session: each line is one command, or "edit" (a learner's line added to step 01's first file),
     * or "state" (three steps run: green, red, red stopped at its first failure; four skipped).
     */
    static final List<String> SESSION = List.of(
            "help", "bogus", "", "status", "hint", "hint 99", "hint 01", "hint 1", "hint login", "hint 01-login",
            "diff 04", "run 01", "cluster 01", "prepare --usb", "prepare --into", "prepare --from usb",
            "prepare --into usb --from usb", "test", "test 99", "watch 77", "reset", "measure",
            "edit", "diff 01", "reset 01", "sync", "jump 01", "status", "restore 02", "reset 01 --yes", "diff 01", "restore 01", "restore 01 --yes", "diff 01", "reset 01 --yes",
            "jump 03 --yes", "status", "jump 01 --yes", "hint 04", "status", "jump 08 --yes", "state", "status");

    public static void main(String[] args) throws Exception {
        Path copy = Files.createTempDirectory("kata-cli-test");
        try {
            copyKata(copy);
            StringBuilder transcript = new StringBuilder();
            for (String command : SESSION) {
                transcript.append(run(copy, command));
            }
            String got = transcript.toString();
            if (args.length > 0 && args[0].equals("--approve")) {
                Files.writeString(APPROVED, got, StandardCharsets.UTF_8);
                System.out.println("cli: wrote " + ROOT.relativize(APPROVED));
                return;
            }
            String want = Files.isRegularFile(APPROVED) ? Files.readString(APPROVED, StandardCharsets.UTF_8).replace("\r\n", "\n") : "";
            if (!want.equals(got)) {
                Path received = APPROVED.resolveSibling("cli.received.txt");
                Files.writeString(received, got, StandardCharsets.UTF_8);
                System.out.println("cli: the commands no longer answer as " + ROOT.relativize(APPROVED) + " says; what they said is in "
                        + ROOT.relativize(received) + ". The first difference:");
                List<String> a = want.lines().toList();
                List<String> b = got.lines().toList();
                for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                    String x = i < a.size() ? a.get(i) : "(nothing)";
                    String y = i < b.size() ? b.get(i) : "(nothing)";
                    if (!x.equals(y)) {
                        System.out.println("  line " + (i + 1) + ", approved: " + x);
                        System.out.println("  line " + (i + 1) + ", now:      " + y);
                        break;
                    }
                }
                System.exit(1);
            }
            System.out.println("cli: " + SESSION.size() + " commands answer as " + ROOT.relativize(APPROVED) + " says, word for word");
        } finally {
            delete(copy);
        }
    }

    /** What a learner's clone holds that the commands read: no tests, no Maven build. */
    static void copyKata(Path copy) throws IOException {
        for (String file : List.of("kata", "kata.cmd", "pom.xml", "steps/pom.xml", "app/pom.xml")) {
            copy(ROOT.resolve(file), copy.resolve(file));
        }
        copy.resolve("kata").toFile().setExecutable(true);
        for (String dir : List.of("tools", "solutions")) {
            copyTree(ROOT.resolve(dir), copy.resolve(dir));
        }
        try (Stream<Path> steps = Files.list(ROOT.resolve("steps"))) {
            for (Path step : steps.filter(Files::isDirectory).toList()) {
                Path to = copy.resolve("steps").resolve(step.getFileName().toString());
                copyTree(step.resolve("src/main"), to.resolve("src/main"));
                try (Stream<Path> files = Files.list(step)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        copy(f, to.resolve(f.getFileName().toString()));
                    }
                }
            }
        }
    }

    static String run(Path copy, String command) throws Exception {
        if (command.equals("edit")) {
            Path file = copy.resolve("steps/01-login/src/main/java/kata/LoginRoute.java");
            Files.writeString(file, Files.readString(file, StandardCharsets.UTF_8) + "\n// the learner's work\n", StandardCharsets.UTF_8);
            return "# a learner's line added to steps/01-login/src/main/java/kata/LoginRoute.java\n\n";
        }
        if (command.equals("state")) {
            String now = java.time.Instant.now().toString().replace(":", "\\:");
            StringBuilder state = new StringBuilder();
            String[][] runs = {{"01-login", "green", "12/12"}, {"02-jwt-signing", "red", "3/10"}, {"03-protected-route", "red", "2/?"}};
            for (String[] r : runs) {
                state.append(r[0]).append(".result=").append(r[1]).append('\n').append(r[0]).append(".tests=").append(r[2]).append('\n')
                        .append(r[0]).append(".at=").append(now).append('\n');
            }
            for (String s : List.of("04-handshake", "05-manual-parsing", "06-user-rooms", "07-presence")) {
                state.append(s).append(".skipped=true\n");
            }
            // every test skipped: no redis-server here
            state.append("10-scale-out.result=skipped\n10-scale-out.tests=0/4\n10-scale-out.at=").append(now)
                    .append("\n10-scale-out.reason=redis-server is not on PATH. Install it to run the tests of two nodes\\: apt-get install redis-server\n");
            Files.writeString(copy.resolve(".kata/state.properties"), state.toString(), StandardCharsets.UTF_8);
            return "# three steps run (green, red, red at its first failure), four skipped, one with every test skipped here\n\n";
        }
        List<String> line = new ArrayList<>(WINDOWS ? List.of("cmd", "/c", copy.resolve("kata.cmd").toString())
                : List.of("bash", copy.resolve("kata").toString()));
        if (!command.isEmpty()) {
            line.addAll(List.of(command.split(" ")));
        }
        Process p = new ProcessBuilder(line).directory(copy.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File(WINDOWS ? "NUL" : "/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        int exit = p.waitFor();
        // what differs from run to run: the time in a backup's name
        out = out.replaceAll("\\d{8}-\\d{6}", "<time>");
        // and the copy's folder
        out = out.replace(copy.toRealPath().toString(), "<kata>").replace(copy.toString(), "<kata>");
        return "$ ./kata " + command + "\n" + out + "[exit " + exit + "]\n\n";
    }

    static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                copy(f, to.resolve(from.relativize(f).toString()));
            }
        }
    }

    static void copy(Path from, Path to) throws IOException {
        if (Files.isRegularFile(from)) {
            Files.createDirectories(to.getParent());
            Files.copy(from, to);
        }
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
