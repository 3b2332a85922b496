package cli;

import static cli.Disk.HOME;
import static cli.Disk.ROOT;
import static cli.Disk.copyTree;
import static cli.Disk.deleteRecursively;
import static cli.Disk.read;
import static cli.Disk.relative;
import static cli.Disk.walk;
import static cli.Main.OUT;
import static cli.Programs.WINDOWS;
import static cli.Programs.compile;
import static cli.Programs.exec;
import static cli.Programs.java;
import static cli.Programs.onPath;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The command line itself, checked by ./kata check: it keeps a learner's edits, answers as its transcript says, runs from a CRLF clone. */
final class CommandChecks {

    private CommandChecks() {
    }

    /** tools/test/CliTest.java: a learner's session in a copy of the kata, against its approved transcript. */
    static boolean transcript() {
        return exec(List.of(java(), "tools/test/CliTest.java"), ROOT, null) == 0;
    }

    /**
     * In a copy of the kata with an edit in step 01's starting code: sync, reset without an answer,
     * and jump leave the edit alone; reset --yes restores the starting code and keeps a copy.
     */
    static boolean keepEdits() throws Exception {
        Path copy = HOME.resolve("scratch/safety");
        deleteRecursively(copy);
        Step first = Steps.all().get(0);
        copyTree(ROOT.resolve("tools"), copy.resolve("tools"));
        copyTree(ROOT.resolve("solutions"), copy.resolve("solutions"));
        for (Step s : Steps.all()) {
            copyTree(s.main(), copy.resolve("steps").resolve(s.name()).resolve("src/main"));
            // its pom, manifest, README.md, HINTS.md and the record of what sync last wrote
            try (Stream<Path> files = Files.list(s.dir())) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, copy.resolve("steps").resolve(s.name()).resolve(f.getFileName().toString()));
                }
            }
        }
        String open = first.edit().isEmpty() ? null : first.edit().get(0);
        Path edited = open == null ? walk(copy.resolve(relative(first.main()))).get(0) : copy.resolve(open);
        String work = read(edited) + "\n// the learner's work\n";
        Files.writeString(edited, work, StandardCharsets.UTF_8);
        List<String> problems = new ArrayList<>();
        // compiled once here, rather than by each of the four launches below
        Path classes = HOME.resolve("scratch/cli");
        deleteRecursively(classes);
        compile(walk(ROOT.resolve("tools/cli")), List.of(), classes);
        for (List<String> command : List.of(List.of("sync"), List.of("reset", first.number()), List.of("jump", first.number()))) {
            List<String> line = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1", "-cp", classes.toString(), "cli.Main"));
            line.addAll(command);
            int exit = exec(line, copy, copy.resolve("out.log"), x -> { });
            if (!read(edited).equals(work)) {
                problems.add("./kata " + String.join(" ", command) + " overwrote the edit in " + relative(first.main()));
            } else if (exit == 0) {
                problems.add("./kata " + String.join(" ", command) + " kept the edit but did not say so with its exit code");
            }
        }
        exec(List.of(java(), "-XX:TieredStopAtLevel=1", "-cp", classes.toString(), "cli.Main", "reset", first.number(), "--yes"), copy, copy.resolve("out.log"), x -> { });
        boolean backedUp;
        try (Stream<Path> backups = Files.walk(copy.resolve(".kata/backup"))) {
            backedUp = backups.anyMatch(p -> Files.isRegularFile(p) && read(p).equals(work));
        } catch (IOException e) {
            backedUp = false;
        }
        if (read(edited).equals(work) || !backedUp) {
            problems.add("./kata reset " + first.number() + " --yes did not restore the starting code and keep a copy of the edit");
        }
        deleteRecursively(classes);
        problems.forEach(p -> OUT.println("    " + p));
        OUT.println(problems.isEmpty() ? "safe: sync, reset and jump keep an edit unless told --force or --yes (and reset keeps a copy)"
                : "NOT safe: " + problems.size() + " problem(s) above");
        deleteRecursively(copy);
        return problems.isEmpty();
    }

    /** git clone -c core.autocrlf=true of the last commit, then its launcher: no "bash\r". */
    static boolean crlfCloneRuns() throws Exception {
        if (!onPath(WINDOWS ? "git.exe" : "git") || exec(List.of("git", "rev-parse", "HEAD"), ROOT, HOME.resolve("git.log"), x -> { }) != 0) {
            OUT.println("skipped: no git here, or not a git clone");
            return true;
        }
        Path clone = HOME.resolve("scratch/crlf");
        deleteRecursively(clone);
        Files.createDirectories(clone.getParent());
        if (exec(List.of("git", "-c", "core.autocrlf=true", "clone", "-q", "--no-hardlinks", ROOT.toString(), clone.toString()),
                ROOT, HOME.resolve("git.log"), x -> { }) != 0) {
            OUT.println("could not clone: " + read(HOME.resolve("git.log")));
            return false;
        }
        List<String> problems = new ArrayList<>();
        if (read(clone.resolve("kata")).contains("\r")) {
            problems.add("kata has CRLF line endings in the clone: .gitattributes must keep it LF");
        }
        if (Files.isRegularFile(clone.resolve("kata.cmd")) && !read(clone.resolve("kata.cmd")).contains("\r\n")) {
            problems.add("kata.cmd has LF line endings in the clone: cmd.exe wants CRLF");
        }
        List<String> launch = WINDOWS ? List.of("cmd", "/c", clone.resolve("kata.cmd").toString(), "status")
                : List.of("bash", clone.resolve("kata").toString(), "status");
        StringBuilder said = new StringBuilder();
        if (exec(launch, clone, HOME.resolve("crlf.log"), line -> said.append(line).append('\n')) != 0 || !said.toString().contains("Next: step")) {
            problems.add("./kata status fails in the clone: " + said.toString().strip());
        }
        problems.forEach(p -> OUT.println("    " + p));
        OUT.println(problems.isEmpty() ? "a clone with core.autocrlf=true runs ./kata status (of the last commit)" : "NOT portable: see above");
        deleteRecursively(clone);
        return problems.isEmpty();
    }

    /**
     * ./kata run, then its launcher killed with -9 (no hook of its own runs): the app must stop too, and
     * free its ports, within 15 s (Tether; 3 to 4 s measured on two busy cores). Not on Windows, whose
     * launcher is another.
     */
    static boolean runDiesWithLauncher() throws Exception {
        if (WINDOWS) {
            OUT.println("skipped: on Windows");
            return true;
        }
        ProcessBuilder pb = new ProcessBuilder("bash", ROOT.resolve("kata").toString(), "run").directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().put("PORT", "0");
        pb.environment().put("IO_PORT", "0");
        Process launcher = pb.start();
        var lines = new java.util.concurrent.LinkedBlockingQueue<String>();
        Thread reader = new Thread(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(launcher.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the pipe closed: both JVMs are gone
            }
        }, "read-kata-run");
        reader.setDaemon(true);
        reader.start();
        long pid = -1;
        List<Integer> ports = new ArrayList<>();
        var pidLine = java.util.regex.Pattern.compile("runs as pid (\\d+)");
        var running = java.util.regex.Pattern.compile("application is running at: http://[^:]+:(\\d+) \\(Socket.IO on port (\\d+)\\)");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        try {
            while (ports.isEmpty() && System.nanoTime() < deadline) {
                String line = lines.poll(1, java.util.concurrent.TimeUnit.SECONDS);
                if (line == null) {
                    continue;
                }
                var m = pidLine.matcher(line);
                if (m.find()) {
                    pid = Long.parseLong(m.group(1));
                }
                m = running.matcher(line);
                if (m.find()) {
                    ports.add(Integer.parseInt(m.group(1)));
                    ports.add(Integer.parseInt(m.group(2)));
                }
            }
            if (pid < 0 || ports.isEmpty()) {
                OUT.println("./kata run did not say its pid and its ports within 120 s:");
                lines.forEach(l -> OUT.println("  | " + l));
                return false;
            }
            long killed = System.nanoTime();
            launcher.destroyForcibly().waitFor();
            ProcessHandle app = ProcessHandle.of(pid).orElse(null);
            boolean gone = false;
            while (!gone && System.nanoTime() - killed < java.util.concurrent.TimeUnit.SECONDS.toNanos(15)) {
                gone = (app == null || !app.isAlive()) && ports.stream().noneMatch(CommandChecks::listening);
                if (!gone) {
                    Thread.sleep(100);
                }
            }
            long ms = (System.nanoTime() - killed) / 1_000_000;
            OUT.println(gone ? "./kata run's launcher killed with -9: the app (pid " + pid + ") stopped and freed ports " + ports + " in " + ms + " ms"
                    : "NOT tied: the app (pid " + pid + ") still runs " + ms + " ms after its launcher was killed with -9 (an orphan: the next ./kata run finds its port taken)");
            return gone;
        } finally {
            launcher.destroyForcibly();
            if (pid > 0) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    static boolean listening(int port) {
        try (var socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Every {@code ./kata ...} that the documents tell someone to type (in a sh block or in inline code):
     * a command that the command line knows; for prepare, options it accepts; for check, a check it has.
     * The recipes of plan B and the like cannot drift from the command line. And plan B's copy (planB).
     */
    static int recipes() {
        List<Path> documents = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("TUTORIAL.md")));
        walk(ROOT.resolve("docs")).stream().filter(p -> p.toString().endsWith(".md")).forEach(documents::add);
        for (Step s : Steps.all()) {
            documents.add(s.dir().resolve("README.md"));
            documents.add(s.dir().resolve("HINTS.md"));
        }
        var inline = java.util.regex.Pattern.compile("`(?:[A-Z_]+=\\S+ )*(\\./kata [^`]*)`");
        List<String> problems = new ArrayList<>();
        int seen = 0;
        for (Path doc : documents) {
            if (!Files.isRegularFile(doc)) {
                continue;
            }
            boolean sh = false;
            List<String> lines = Disk.lines(doc);
            for (int n = 0; n < lines.size(); n++) {
                String line = lines.get(n);
                List<String> commands = new ArrayList<>();
                if (line.trim().startsWith("```")) {
                    sh = !sh && line.trim().matches("```(sh|bash|shell)");
                    continue;
                }
                if (sh) {
                    String command = line.trim().replaceFirst("^(?:[A-Z_]+=\\S+ )*", "");
                    if (command.startsWith("./kata ") || command.equals("./kata")) {
                        commands.add(command);
                    }
                } else {
                    var m = inline.matcher(line);
                    while (m.find()) {
                        commands.add(m.group(1));
                    }
                }
                for (String command : commands) {
                    seen++;
                    String problem = problem(command.replaceFirst("\\s*(#|;|&&|\\||\\(|$).*", "").trim());
                    if (problem != null) {
                        problems.add(relative(doc) + ":" + (n + 1) + ": " + command.trim() + ": " + problem);
                    }
                }
            }
        }
        problems.addAll(planB());
        problems.forEach(p -> OUT.println("    " + p));
        OUT.println(problems.isEmpty() ? "recipes: the " + seen + " ./kata commands of the documents are commands that ./kata accepts;"
                + " plan B's copy of a Maven repository adds its jars without Maven's notes and replaces none"
                : "recipes: " + problems.size() + " ./kata command(s) of the documents that ./kata does not accept (above)");
        return problems.size();
    }

    /**
     * Plan B's parts that need no network: its options give absolute folders, and --from's copy of a
     * Maven repository adds the jars, leaves out Maven's notes of where they came from (which a mirror
     * in settings.xml would refuse offline), and replaces none of the laptop's files.
     */
    static List<String> planB() {
        List<String> problems = new ArrayList<>();
        try {
            Path scratch = HOME.resolve("scratch/plan-b");
            deleteRecursively(scratch);
            Prepare.Options options = Prepare.Options.parse(List.of("--from", ".kata/scratch/plan-b/usb"));
            if (!options.from().equals(scratch.resolve("usb")) || options.into() != null) {
                problems.add("./kata prepare --from .kata/scratch/plan-b/usb reads " + options.from() + ", not " + scratch.resolve("usb"));
            }
            Path usb = scratch.resolve("usb").resolve(Prepare.MAVEN_FOLDER).resolve("org/example/lib/1.0");
            Path laptop = scratch.resolve("laptop-m2");
            Files.createDirectories(usb);
            Files.writeString(usb.resolve("lib-1.0.jar"), "jar");
            Files.writeString(usb.resolve("lib-1.0.pom"), "usb's pom");
            Files.writeString(usb.resolve("_remote.repositories"), "lib-1.0.jar>central=\n");
            Files.writeString(usb.resolve("lib-1.0.jar.lastUpdated"), "");
            Path mine = laptop.resolve("org/example/lib/1.0/lib-1.0.pom");
            Files.createDirectories(mine.getParent());
            Files.writeString(mine, "the laptop's pom");
            int copied = Prepare.copyRepository(scratch.resolve("usb").resolve(Prepare.MAVEN_FOLDER), laptop);
            Path dir = mine.getParent();
            if (copied != 1 || !Files.isRegularFile(dir.resolve("lib-1.0.jar")) || Files.exists(dir.resolve("_remote.repositories"))
                    || Files.exists(dir.resolve("lib-1.0.jar.lastUpdated")) || !read(mine).equals("the laptop's pom")) {
                problems.add("./kata prepare --from: the copy of the Maven repository should add the jar (only), leave out"
                        + " _remote.repositories and *.lastUpdated, and keep the laptop's own files");
            }
            deleteRecursively(scratch);
        } catch (IOException | RuntimeException e) {
            problems.add("plan B: " + e);
        }
        return problems;
    }

    /** Why ./kata would refuse this line (its command, then for prepare and check its options), or null. */
    static String problem(String line) {
        List<String> words = new ArrayList<>(List.of(line.split("\\s+")));
        words.remove(0);
        if (words.isEmpty()) {
            return null;
        }
        String command = words.remove(0);
        if (!Main.COMMANDS.contains(command) && !command.equals("...")) {
            return "no such command (./kata help lists them)";
        }
        // a usage line ("[--into DIR | --from DIR]") names options, it is not one to type
        if (words.stream().anyMatch(w -> w.startsWith("[") || w.contains("|"))) {
            return null;
        }
        try {
            if (command.equals("prepare")) {
                Prepare.Options.parse(words);
            }
        } catch (Problem p) {
            return p.getMessage().lines().findFirst().orElse("");
        }
        if (command.equals("check") && !words.isEmpty()
                && !List.of("generate", "generated", "carried", "snippets", "quotes", "steps", "handouts", "integrity", "cli", "tether",
                        "recipes", "figures").contains(words.get(0)) && !words.get(0).equals("NAME")) {
            return "no such check";
        }
        return null;
    }
}
