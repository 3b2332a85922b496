import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The kata's command line, for learners, facilitators and authors alike. It needs a JDK 17 and nothing
 * else to start ({@code java tools/Kata.java}, which the {@code kata} and {@code kata.cmd} launchers
 * do); it asks Maven for a classpath once, and runs the tests in a JVM of its own that stays up
 * (tools/KataRunner.java), so that a save gets its verdict in a second or two instead of a Maven run.
 *
 * <p>What it remembers (the last verdict of each step, the hints shown) lives in .kata/, which git
 * ignores. Nothing here overwrites a learner's code without showing what changes and asking first.
 */
public class Kata {

    static final Path ROOT = Path.of("").toAbsolutePath().normalize();
    static final Path HOME = ROOT.resolve(".kata");
    static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    static final String USAGE = """
            usage: ./kata [status | watch [NN] | test NN [Class[#method]] | hint NN | diff NN | reset NN
                          | jump NN | run [NN] | cluster [NN] [--no-sticky] | check | prepare | sync [--force] | bench [fanout]
                          | measure NN [saves]]

            for learners
              status            where you stand: each step green, red or not started, and what to do next
              watch [NN]        run the step's tests now and on every save; the first failure, or green
              test NN [Class[#method]]   run the step's tests (or one class, or one test) once
              hint NN           the next hint of the step (1, then 2, then 3)
              diff NN           your code against the reference solution of the step
              reset NN          put the step's starting code back (shows what changes, asks first)
              jump NN           start at step NN: the steps before it are marked skipped
              run [NN]          start the finished app on http://localhost:${PORT:-3000}, or your own step NN (04 on)
              cluster [NN] [--no-sticky]  two nodes of the finished app (or of your step NN, 10 on), a Redis of their own
                                and HAProxy in front on http://localhost:${PORT:-3000}, sticky on Socket.IO (--no-sticky: what breaks)
            for everyone
              check             run every test, and prove that every step fails as shipped and passes when solved
              prepare           download everything once, then prove that the kata works offline
            for the authors of the kata
              sync [--force]    write the steps' starting code from solutions/ (refuses to overwrite edits)
              bench [fanout]    measure the finished app (BENCHMARK.md); fanout: only the fan-out to
                                thousands of connections, beside the Node server if NODE_PEER names it
              measure NN [saves]  time from a save to the verdict of ./kata watch (BENCHMARK.md)
            """;

    public static void main(String[] args) throws Exception {
        List<String> arguments = new ArrayList<>(Arrays.asList(args));
        String command = arguments.isEmpty() ? "status" : arguments.remove(0);
        int exit;
        try {
            exit = switch (command) {
                case "status" -> status();
                case "watch" -> watch(arguments);
                case "test" -> test(arguments);
                case "hint" -> hint(arguments);
                case "diff" -> diff(arguments);
                case "reset" -> reset(arguments);
                case "jump" -> jump(arguments);
                case "run" -> run(arguments);
                case "cluster" -> cluster(arguments);
                case "check" -> check(arguments);
                case "prepare" -> prepare();
                case "sync" -> sync(arguments);
                case "bench" -> bench(arguments);
                case "measure" -> measure(arguments);
                case "help", "-h", "--help" -> {
                    OUT.print(USAGE);
                    yield 0;
                }
                default -> {
                    System.err.print("unknown command: " + command + "\n" + USAGE);
                    yield 2;
                }
            };
        } catch (Problem p) {
            System.err.println(p.getMessage());
            exit = 1;
        }
        OUT.flush();
        System.exit(exit);
    }

    /** A problem the person can fix, said in a sentence: no stack trace. */
    static final class Problem extends RuntimeException {
        Problem(String message) {
            super(message);
        }
    }

    // ================================================================ steps

    record Step(String name) {
        String number() {
            return name.substring(0, 2);
        }

        Path dir() {
            return ROOT.resolve("steps").resolve(name);
        }

        Path main() {
            return dir().resolve("src/main");
        }

        Path solution() {
            return ROOT.resolve("solutions").resolve(name).resolve("src/main");
        }

        String module() {
            return "steps/" + name;
        }

        /** The first lines of steps/NN-name/README.md: "# Step NN — title", "> Goal: ...", "> Open: ...". */
        Map<String, List<String>> readme() {
            Map<String, List<String>> fields = new LinkedHashMap<>();
            Path readme = dir().resolve("README.md");
            if (Files.isRegularFile(readme)) {
                for (String line : lines(readme)) {
                    Matcher title = Pattern.compile("^#\\s+Step\\s+\\d+\\s*[—-]+\\s*(.+)$").matcher(line);
                    Matcher field = Pattern.compile("^>\\s*(Goal|Open|Read):\\s*(.+)$").matcher(line);
                    if (title.find() && !fields.containsKey("Title")) {
                        fields.put("Title", List.of(title.group(1).trim()));
                    } else if (field.find()) {
                        fields.computeIfAbsent(field.group(1), k -> new ArrayList<>()).add(field.group(2).trim());
                    } else if (line.startsWith("## ")) {
                        break;
                    }
                }
            }
            return fields;
        }

        String title() {
            List<String> t = readme().get("Title");
            if (t != null) {
                return t.get(0);
            }
            // until the step has its README: the module's name in its pom, "Step 01: log in"
            Matcher m = Pattern.compile("<name>Step \\d+: ([^<]+)</name>").matcher(read(dir().resolve("pom.xml")));
            return m.find() ? m.group(1) : name.substring(3).replace('-', ' ');
        }

        Optional<String> goal() {
            List<String> g = readme().get("Goal");
            return g == null ? Optional.empty() : Optional.of(g.get(0));
        }

        /** The files to open: from the README, or else the files whose solution has a marked region. */
        /** The files to read but not change ("> Read: ..." in README.md): what the step relies on. */
        List<String> toRead() {
            return readme().getOrDefault("Read", List.of());
        }

        List<String> open() {
            List<String> o = readme().get("Open");
            if (o != null) {
                return o;
            }
            List<String> marked = new ArrayList<>();
            for (Path file : walk(solution())) {
                if (read(file).contains("// BEGIN SOLUTION")) {
                    marked.add(relative(main().resolve(solution().relativize(file))));
                }
            }
            return marked;
        }
    }

    static List<Step> steps() {
        List<Step> steps = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(ROOT.resolve("solutions"))) {
            dirs.map(d -> d.getFileName().toString()).filter(n -> n.matches("\\d\\d-.+"))
                    .filter(n -> Files.isDirectory(ROOT.resolve("steps").resolve(n))).sorted()
                    .forEach(n -> steps.add(new Step(n)));
        } catch (IOException e) {
            throw new Problem("This is not the kata's folder (no solutions/ here): " + ROOT);
        }
        return steps;
    }

    /** "1", "01", "01-login" or "login" name a step. */
    static Step step(String given) {
        for (Step s : steps()) {
            if (s.name().equals(given) || s.number().equals(given) || s.number().equals("0" + given)
                    || s.name().substring(3).equals(given)) {
                return s;
            }
        }
        throw new Problem("There is no step " + given + ". The steps: "
                + steps().stream().map(Step::number).collect(Collectors.joining(", ")));
    }

    static Step stepArgument(List<String> args, String command) {
        List<String> plain = args.stream().filter(a -> !a.startsWith("--")).toList();
        if (plain.isEmpty()) {
            throw new Problem("Which step? For example: ./kata " + command + " 01");
        }
        return step(plain.get(0));
    }

    // ================================================================ what is remembered

    static final class State {
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

    // ================================================================ status

    static int status() {
        State state = new State();
        List<Step> steps = steps();
        OUT.println("Socket.IO with JSON Web Tokens, a Java kata: where you stand");
        OUT.println();
        Step next = null;
        int width = steps.stream().mapToInt(s -> s.title().length()).max().orElse(20) + 2;
        for (Step s : steps) {
            String result = state.get(s, "result");
            String shown;
            if ("true".equals(state.get(s, "skipped"))) {
                shown = "skipped (./kata jump)";
            } else if (result == null) {
                shown = "not started";
            } else {
                String tests = state.get(s, "tests");
                String[] t = tests == null ? new String[] {"?", "?"} : tests.split("/");
                shown = result.equals("green") ? "green  (" + t[0] + " tests pass)"
                        : t[1].equals("?") ? "red    (" + t[0] + " pass before the first failure)" : "red    (" + t[0] + " of " + t[1] + " tests pass)";
                shown += "  " + ago(state.get(s, "at"));
            }
            if (next == null && !"green".equals(result) && !"true".equals(state.get(s, "skipped"))) {
                next = s;
            }
            OUT.printf("  %s  %-20s %-" + width + "s %s%n", s == next ? ">" : " ", s.name(), s.title(), shown);
        }
        OUT.println();
        if (next == null) {
            OUT.println("Every step is green. Compare your code with the reference: ./kata diff NN;");
            OUT.println("and see it all in a browser: ./kata run");
            return 0;
        }
        OUT.println("Next: step " + next.number() + ", " + next.title());
        next.goal().ifPresent(g -> OUT.println("  Goal: " + g));
        for (String open : next.open()) {
            OUT.println("  Open: " + open);
        }
        next.toRead().forEach(r -> OUT.println("  Read: " + r));
        OUT.println("  Then: ./kata watch " + next.number() + "   (it runs the tests on every save; stuck? ./kata hint " + next.number() + ")");
        return 0;
    }

    static String ago(String at) {
        if (at == null) {
            return "";
        }
        try {
            Duration d = Duration.between(Instant.parse(at), Instant.now());
            if (d.toMinutes() < 1) {
                return "just now";
            }
            if (d.toHours() < 1) {
                return d.toMinutes() + " min ago";
            }
            if (d.toDays() < 1) {
                return d.toHours() + " h ago";
            }
            return d.toDays() + " days ago";
        } catch (RuntimeException e) {
            return "";
        }
    }

    // ================================================================ hints

    static int hint(List<String> args) {
        Step step = stepArgument(args, "hint");
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

    // ================================================================ running tests fast

    /** What a run of a step's tests came to. */
    static final class Verdict {
        int planned;
        boolean allRun;
        boolean stopped;
        int passed;
        int failed;
        long millis;
        boolean done;
        String error;
        final List<String> compileErrors = new ArrayList<>();
        final List<TestResult> results = new ArrayList<>();

        boolean green() {
            return (done || allRun) && error == null && compileErrors.isEmpty() && failed == 0 && passed > 0;
        }

        Optional<TestResult> firstFailure() {
            return results.stream().filter(r -> !r.outcome().equals("passed")).findFirst();
        }
    }

    record TestResult(String outcome, String reportName, String shownName, String message) {
    }

    /** A JVM that runs one step's tests on demand: tools/KataRunner.java. */
    static final class Runner implements AutoCloseable {
        final Step step;
        final Process process;
        final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        final OutputStream commands;

        Runner(Step step) throws IOException {
            this.step = step;
            List<String> all = classpath(step.module(), "test");
            Path runnerClasses = compileRunner(all);
            // ApprovalTests keeps what it verified in static fields: the runner loads it afresh every run
            List<String> fresh = all.stream().filter(j -> j.replace('\\', '/').contains("/com/approvaltests/")).toList();
            List<String> classpath = new ArrayList<>(all);
            classpath.removeAll(fresh);
            classpath.add(0, runnerClasses.toString());
            Path build = HOME.resolve("build").resolve(step.name());
            List<String> command = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Dkata.root=" + ROOT, "-Dfile.encoding=UTF-8", "-Dkata.fresh=" + String.join(java.io.File.pathSeparator, fresh),
                    "-cp", String.join(java.io.File.pathSeparator, classpath),
                    "KataRunner", ROOT.toString(), build.toString(), log(step).toString()));
            process = new ProcessBuilder(command).directory(step.dir().toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            commands = process.getOutputStream();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        if (line.startsWith("@kata ")) {
                            answers.add(line.substring(6));
                        }
                    }
                } catch (IOException ignored) {
                    // the runner ended
                }
                answers.add("gone");
            }, "runner-answers");
            reader.setDaemon(true);
            reader.start();
            String ready = take(Duration.ofSeconds(60));
            if (!"ready".equals(ready)) {
                throw new Problem("The test runner did not start (" + ready + ").");
            }
        }

        String take(Duration bound) {
            try {
                String a = answers.poll(bound.toMillis(), TimeUnit.MILLISECONDS);
                return a == null ? "timeout" : a;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }

        void send(String line) {
            try {
                commands.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                commands.flush();
            } catch (IOException e) {
                throw new Problem("The test runner has stopped: " + e.getMessage());
            }
        }

        /**
         * Runs the tests and reports each answer to {@code progress} as it comes (so a verdict can be
         * shown before the servers of the last test class have finished stopping).
         */
        Verdict run(Path main, String selection, boolean stopAtFirstFailure, Consumer<Verdict> progress) {
            send("run\t" + main + "\t" + (selection == null ? "-" : selection) + "\t" + stopAtFirstFailure);
            Verdict v = new Verdict();
            v.stopped = stopAtFirstFailure;
            while (true) {
                String answer = take(Duration.ofSeconds(120));
                if (answer.equals("timeout") || answer.equals("gone") || answer.equals("interrupted")) {
                    v.error = answer.equals("gone") ? "the test runner stopped (its log: " + relative(log(step)) + ")"
                            : "the tests did not finish within 2 minutes: is there an endless loop or a wait without a bound?";
                    v.done = true;
                    progress.accept(v);
                    return v;
                }
                String[] parts = answer.split(" ", 2);
                String rest = parts.length > 1 ? parts[1] : "";
                switch (parts[0]) {
                    case "plan" -> v.planned = Integer.parseInt(rest.trim());
                    case "all-tests-done" -> v.allRun = true;
                    case "compile-error" -> {
                        String[] f = rest.split("\t", 2);
                        v.compileErrors.add(unescape(f[0]) + ": " + unescape(f.length > 1 ? f[1] : ""));
                    }
                    case "error" -> v.error = unescape(rest);
                    case "test" -> {
                        String[] f = rest.split("\t", -1);
                        TestResult r = new TestResult(f[0], unescape(f[1]), unescape(f[2]), unescape(f[3]));
                        v.results.add(r);
                        if (r.outcome().equals("passed")) {
                            v.passed++;
                        } else if (!r.outcome().equals("skipped")) {
                            v.failed++;
                        }
                    }
                    case "done" -> {
                        String[] f = rest.trim().split(" ");
                        v.millis = Long.parseLong(f[2]);
                        v.done = true;
                        progress.accept(v);
                        return v;
                    }
                    default -> {
                    }
                }
                progress.accept(v);
            }
        }

        void cancel() {
            send("cancel");
        }

        @Override
        public void close() {
            try {
                commands.close();
            } catch (IOException ignored) {
                // it is ending anyway
            }
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    static Path log(Step step) {
        return HOME.resolve("logs").resolve(step.name() + ".log");
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", WINDOWS ? "java.exe" : "java").toString();
    }

    /** Compiles tools/KataRunner.java against a step's test classpath, once (again when it changes). */
    static synchronized Path compileRunner(List<String> classpath) throws IOException {
        Path source = ROOT.resolve("tools/KataRunner.java");
        Path out = HOME.resolve("tools/runner");
        Path stamp = out.resolve("KataRunner.class");
        if (Files.exists(stamp) && Files.getLastModifiedTime(stamp).compareTo(Files.getLastModifiedTime(source)) > 0) {
            return out;
        }
        compile(List.of(source), classpath, out);
        return out;
    }

    static void compile(List<Path> sources, List<String> classpath, Path out) throws IOException {
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new Problem("This Java has no compiler: install a JDK 17 or newer, not a JRE.");
        }
        List<String> options = new ArrayList<>(List.of("-d", out.toString(), "--release", "17", "-nowarn", "-proc:none",
                "-encoding", "UTF-8", "-g"));
        if (!classpath.isEmpty()) {
            options.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, classpath)));
        }
        var errors = new java.io.StringWriter();
        try (var files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(errors, files, null, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
            if (!ok) {
                throw new Problem("Does not compile:\n" + errors);
            }
        }
    }

    // ================================================================ test

    static int test(List<String> args) throws IOException {
        Step step = stepArgument(args, "test");
        boolean solution = args.contains("--solution");
        List<String> plain = args.stream().filter(a -> !a.startsWith("--")).toList();
        String selection = plain.size() > 1 ? plain.get(1) : null;
        try (Runner runner = new Runner(step)) {
            Verdict v = runner.run(solution ? step.solution() : step.main(), selection, false, x -> { });
            if (!solution && selection == null) {
                record(step, v);
            }
            if (selection != null && !solution && v.green() && v.compileErrors.isEmpty() && v.error == null) {
                // only the chosen tests ran: green for them is not green for the step
                v.results.forEach(r -> OUT.println("  " + (r.outcome().equals("passed") ? "ok    " : "skip  ") + r.shownName()));
                OUT.println();
                OUT.println("GREEN  " + selection + ": its " + v.passed + " test(s) pass. The rest of step " + step.number()
                        + " did not run: ./kata test " + step.number());
                return 0;
            }
            printFull(step, v, solution);
            return v.green() ? 0 : 1;
        }
    }

    static void printFull(Step step, Verdict v, boolean solution) {
        if (!v.compileErrors.isEmpty() || v.error != null) {
            printVerdict(step, v);
            return;
        }
        for (TestResult r : v.results) {
            OUT.println("  " + (r.outcome().equals("passed") ? "ok    " : r.outcome().equals("skipped") ? "skip  " : "FAIL  ") + r.shownName());
        }
        OUT.println();
        if (solution) {
            OUT.println("Against the reference solution: " + v.passed + " of " + v.results.size() + " tests pass (" + v.millis + " ms).");
            return;
        }
        printVerdict(step, v);
    }

    static void printVerdict(Step step, Verdict v) {
        String n = step.number();
        if (!v.compileErrors.isEmpty()) {
            OUT.println("RED    step " + n + " does not compile:");
            v.compileErrors.stream().limit(5).forEach(e -> OUT.println("  " + e));
            if (v.compileErrors.size() > 5) {
                OUT.println("  ... and " + (v.compileErrors.size() - 5) + " more");
            }
            return;
        }
        if (v.error != null) {
            OUT.println("RED    step " + n + ": " + v.error);
            return;
        }
        if (v.green()) {
            OUT.println("GREEN  step " + n + ": all " + v.passed + " tests pass.");
            OUT.println("  Compare with the reference: ./kata diff " + n);
            nextAfter(step).ifPresentOrElse(
                    next -> OUT.println("  Next: step " + next.number() + ", " + next.title() + ": ./kata watch " + next.number()),
                    () -> OUT.println("  That was the last step. See it all in a browser: ./kata run"));
            return;
        }
        Optional<TestResult> first = v.firstFailure();
        if (first.isEmpty()) {
            OUT.println("RED    step " + n + ": no test ran" + (v.passed > 0 ? " but " + v.passed : "") + ": were they skipped?");
            return;
        }
        TestResult r = first.get();
        OUT.println("RED    step " + n + ": the first failing test" + (v.passed > 0 ? " (" + v.passed + " other" + (v.passed == 1 ? " test" : " tests") + " passed)" : "") + ":");
        OUT.println("  " + r.shownName());
        for (String line : r.message().strip().split("\n")) {
            OUT.println("    " + line);
        }
        OUT.println("  Stuck? ./kata hint " + n + "    The app's log of this run: " + relative(log(step)));
    }

    static Optional<Step> nextAfter(Step step) {
        List<Step> steps = steps();
        int i = steps.indexOf(step);
        return i + 1 < steps.size() ? Optional.of(steps.get(i + 1)) : Optional.empty();
    }

    // ================================================================ watch

    static int watch(List<String> args) throws Exception {
        Step step = args.stream().anyMatch(a -> !a.startsWith("--")) ? stepArgument(args, "watch") : currentStep();
        OUT.println("Step " + step.number() + ", " + step.title());
        step.goal().ifPresent(g -> OUT.println("  Goal: " + g));
        step.open().forEach(o -> OUT.println("  Open: " + o));
        step.toRead().forEach(r -> OUT.println("  Read: " + r));
        OUT.println("Watching " + relative(step.main()) + ": every save runs the tests again.");
        OUT.println("Keys (then Enter): r run again, h next hint, q quit.");
        OUT.println();
        BlockingQueue<String> keys = new LinkedBlockingQueue<>();
        Thread input = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    keys.add(line.trim().toLowerCase(Locale.ROOT));
                }
                // Ctrl-D at the keyboard ends the input: that means quit. Without a terminal (an IDE, a
                // script), the input may end at once, and watching goes on: the saves still count
                if (System.console() != null) {
                    keys.add("q");
                }
            } catch (IOException ignored) {
                // no keyboard: the saves still count
            }
        }, "keys");
        input.setDaemon(true);
        input.start();
        Watcher watcher = new Watcher(step, new Runner(step));
        try {
            watcher.loop(keys, v -> { }, null);
        } finally {
            watcher.runner.close();
        }
        return 0;
    }

    /** The first step that is not green and not skipped, or the last. */
    static Step currentStep() {
        State state = new State();
        List<Step> steps = steps();
        for (Step s : steps) {
            if (!"green".equals(state.get(s, "result")) && !"true".equals(state.get(s, "skipped"))) {
                return s;
            }
        }
        return steps.get(steps.size() - 1);
    }

    /**
     * Runs the tests on every save. It polls the files' modification times and sizes (every 200 ms):
     * file-system events are missed on some file systems (network drives, containers, WSL mounts),
     * and polling a few dozen files costs nothing.
     */
    static final class Watcher {
        final Step step;
        Runner runner;
        int runs;
        boolean remember = true;

        Watcher(Step step, Runner runner) {
            this.step = step;
            this.runner = runner;
        }

        Map<Path, String> snapshot() {
            Map<Path, String> seen = new TreeMap<>();
            for (Path f : walk(step.main())) {
                try {
                    seen.put(f, Files.getLastModifiedTime(f).toMillis() + ":" + Files.size(f));
                } catch (IOException e) {
                    // deleted while we looked: the next look sees it
                }
            }
            return seen;
        }

        /**
         * @param verdicts told each verdict as soon as it is known
         * @param stop     when not null, the loop ends once it returns true
         */
        void loop(BlockingQueue<String> keys, Consumer<Verdict> verdicts, java.util.function.BooleanSupplier stop) throws Exception {
            Map<Path, String> seen = snapshot();
            boolean due = true;
            while (stop == null || !stop.getAsBoolean()) {
                if (due) {
                    due = false;
                    seen = snapshot();
                    Verdict v = runOnce(verdicts);
                    if (remember) {
                        record(step, v);
                    }
                    OUT.println();
                    OUT.println("(" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss"))
                            + " waiting for a save; r run again, h hint, q quit)");
                }
                String key = keys.poll(200, TimeUnit.MILLISECONDS);
                if (key != null) {
                    switch (key) {
                        case "q", "quit", "exit" -> {
                            return;
                        }
                        case "h", "hint" -> {
                            try {
                                hint(List.of(step.number()));
                            } catch (Problem p) {
                                OUT.println(p.getMessage());
                            }
                        }
                        default -> due = true;
                    }
                }
                Map<Path, String> now = snapshot();
                if (!now.equals(seen)) {
                    // an editor may write a file in several steps: wait until it holds still
                    Map<Path, String> settled;
                    do {
                        Thread.sleep(50);
                        settled = now;
                        now = snapshot();
                    } while (!now.equals(settled));
                    due = true;
                }
            }
        }

        Verdict runOnce(Consumer<Verdict> verdicts) throws IOException {
            // every run leaves some classes behind in the libraries' caches: a fresh JVM now and then,
            // and at once if the last one ended (a test that called System.exit, say)
            if (++runs % 30 == 0 || !runner.process.isAlive()) {
                runner.close();
                runner = new Runner(step);
            }
            OUT.println("Running step " + step.number() + "'s tests...");
            boolean[] shown = {false};
            return runner.run(step.main(), null, true, v -> {
                // known at the first failure, or once every test has run (before the servers have stopped)
                boolean known = v.done || v.failed > 0 || v.allRun || !v.compileErrors.isEmpty();
                if (known && !shown[0]) {
                    shown[0] = true;
                    printVerdict(step, v);
                    verdicts.accept(v);
                }
            });
        }
    }

    // ================================================================ measure (for BENCHMARK.md)

    /**
     * Save to verdict, measured: solves the step's marked files and puts the starting code back, in turn,
     * as a learner saving would, with the watch loop running, and prints the median. The step's
     * starting code must be untouched; it is put back at the end.
     */
    static int measure(List<String> args) throws Exception {
        Step step = stepArgument(args, "measure");
        int times = args.size() > 1 ? Integer.parseInt(args.get(1)) : 10;
        Map<Path, String> starting = startingCode(step);
        if (!changedFiles(step, starting).isEmpty()) {
            throw new Problem("Step " + step.number() + " has edits; measure only on untouched starting code.");
        }
        List<Path> marked = new ArrayList<>();
        for (Path f : walk(step.solution())) {
            if (read(f).contains("// BEGIN SOLUTION")) {
                marked.add(step.solution().relativize(f));
            }
        }
        List<Long> savesToVerdict = new ArrayList<>();
        BlockingQueue<String> keys = new LinkedBlockingQueue<>();
        long[] savedAt = {0};
        int[] count = {0};
        try (Runner runner = new Runner(step)) {
            Watcher watcher = new Watcher(step, runner);
            watcher.remember = false;
            // warm up: the first runs load and compile everything
            for (int i = 0; i < 3; i++) {
                watcher.runOnce(v -> { });
            }
            java.util.concurrent.CountDownLatch watching = new java.util.concurrent.CountDownLatch(1);
            Thread saver = new Thread(() -> {
                try {
                    // the watch loop's own first run must be over, or its verdict would count for a save
                    watching.await();
                    for (int i = 0; i < times; i++) {
                        Thread.sleep(1500);
                        boolean solve = i % 2 == 0;
                        synchronized (savedAt) {
                            for (Path rel : marked) {
                                Path target = step.main().resolve(rel);
                                String text = solve ? read(step.solution().resolve(rel)) : starting.get(rel);
                                Files.writeString(target, text, StandardCharsets.UTF_8);
                                // some file systems keep whole seconds: make the change visible whatever the clock
                                Files.setLastModifiedTime(target, FileTime.from(Instant.now().plusSeconds(i + 1)));
                            }
                            savedAt[0] = System.nanoTime();
                            savedAt.wait();
                        }
                    }
                } catch (Exception e) {
                    keys.add("q");
                }
            });
            saver.setDaemon(true);
            saver.start();
            watcher.loop(keys, v -> {
                watching.countDown();
                synchronized (savedAt) {
                    if (savedAt[0] != 0) {
                        savesToVerdict.add((System.nanoTime() - savedAt[0]) / 1_000_000);
                        savedAt[0] = 0;
                        count[0]++;
                        savedAt.notifyAll();
                    }
                }
            }, () -> count[0] >= times);
        } finally {
            for (Path rel : marked) {
                Files.writeString(step.main().resolve(rel), starting.get(rel), StandardCharsets.UTF_8);
            }
        }
        OUT.println();
        OUT.println("step " + step.number() + ", save to verdict in ms, " + savesToVerdict.size() + " saves (solved and unsolved in turn): " + savesToVerdict);
        List<Long> solved = new ArrayList<>();
        List<Long> unsolved = new ArrayList<>();
        for (int i = 0; i < savesToVerdict.size(); i++) {
            (i % 2 == 0 ? solved : unsolved).add(savesToVerdict.get(i));
        }
        OUT.println("median " + median(savesToVerdict) + " ms (to green: " + median(solved) + " ms, to the first failure: "
                + median(unsolved) + " ms), max " + savesToVerdict.stream().max(Long::compare).orElse(0L) + " ms");
        return 0;
    }

    static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    // ================================================================ starting code: diff, reset, jump

    /** The step's starting code, as tools/KataCheck.java writes it from the solution. */
    @SuppressWarnings("unchecked")
    static Map<Path, String> startingCode(Step step) {
        try {
            Method m = kataCheck().getDeclaredMethod("startingCode", String.class);
            m.setAccessible(true);
            return (Map<Path, String>) m.invoke(null, step.name());
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new Problem("Cannot write the starting code of step " + step.number() + ": " + e.getCause().getMessage());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static Class<?> kataCheck;

    /** tools/KataCheck.java, compiled once into .kata/tools (it is one program of its own too). */
    static synchronized Class<?> kataCheck() {
        if (kataCheck != null) {
            return kataCheck;
        }
        try {
            Path source = ROOT.resolve("tools/KataCheck.java");
            Path out = HOME.resolve("tools/check");
            Path stamp = out.resolve("KataCheck.class");
            if (!Files.exists(stamp) || Files.getLastModifiedTime(stamp).compareTo(Files.getLastModifiedTime(source)) <= 0) {
                compile(List.of(source), List.of(), out);
            }
            kataCheck = new URLClassLoader(new URL[] {out.toUri().toURL()}, Kata.class.getClassLoader()).loadClass("KataCheck");
            return kataCheck;
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
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

    static int diff(List<String> args) {
        Step step = stepArgument(args, "diff");
        Set<Path> files = new TreeSet<>();
        walk(step.main()).forEach(f -> files.add(step.main().relativize(f)));
        walk(step.solution()).forEach(f -> files.add(step.solution().relativize(f)));
        Map<Path, String> starting = startingCode(step);
        int differing = 0;
        for (Path rel : files) {
            Path mine = step.main().resolve(rel);
            Path theirs = step.solution().resolve(rel);
            List<String> a = Files.isRegularFile(mine) ? withoutTrailingBlank(lines(mine)) : List.of();
            // the reference as it would read in the step: the solution without the markers
            List<String> b = Files.isRegularFile(theirs) ? withoutTrailingBlank(referenceLines(read(theirs))) : List.of();
            if (a.equals(b)) {
                continue;
            }
            differing++;
            OUT.println("--- " + relative(mine) + (Files.isRegularFile(mine) ? "" : " (missing)") + "   (yours)");
            OUT.println("+++ " + relative(theirs) + (Files.isRegularFile(theirs) ? "" : " (missing)") + "   (the reference)");
            printUnifiedDiff(a, b);
        }
        if (differing == 0) {
            OUT.println("Your code of step " + step.number() + " is the reference solution, line for line.");
        } else {
            boolean untouched = changedFiles(step, starting).isEmpty();
            OUT.println(differing + " file(s) differ" + (untouched ? " (you have not changed the starting code yet)" : "")
                    + ". Lines with - are yours, lines with + the reference's.");
        }
        return 0;
    }

    static List<String> withoutTrailingBlank(List<String> lines) {
        int end = lines.size();
        while (end > 0 && lines.get(end - 1).isBlank()) {
            end--;
        }
        return lines.subList(0, end);
    }

    /** A solution as the learner would write it: the marker lines and the stub's commented lines left out. */
    static List<String> referenceLines(String text) {
        List<String> out = new ArrayList<>();
        boolean stub = false;
        for (String line : text.split("\n", -1)) {
            String t = line.trim();
            if (t.equals("// BEGIN SOLUTION")) {
                continue;
            }
            if (t.equals("// STUB")) {
                stub = true;
                continue;
            }
            if (t.equals("// END SOLUTION")) {
                stub = false;
                continue;
            }
            if (!stub) {
                out.add(line);
            }
        }
        if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    /** A unified diff with two lines of context. */
    static void printUnifiedDiff(List<String> a, List<String> b) {
        List<String> ops = editScript(a, b);
        int context = 2;
        int k = 0;
        while (k < ops.size()) {
            if (ops.get(k).charAt(0) == ' ') {
                k++;
                continue;
            }
            int start = Math.max(0, k - context);
            int end = k;
            int quiet = 0;
            while (end < ops.size() && quiet <= 2 * context) {
                quiet = ops.get(end).charAt(0) == ' ' ? quiet + 1 : 0;
                end++;
            }
            end = Math.min(ops.size(), end - Math.max(0, quiet - context));
            int lineA = 1 + (int) ops.subList(0, start).stream().filter(o -> o.charAt(0) != '+').count();
            int lineB = 1 + (int) ops.subList(0, start).stream().filter(o -> o.charAt(0) != '-').count();
            OUT.println("@@ line " + lineA + " (yours), line " + lineB + " (reference) @@");
            ops.subList(start, end).forEach(OUT::println);
            k = end;
        }
    }

    /** " line", "-line", "+line": from a longest common subsequence (the files are short). */
    static List<String> editScript(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> ops = new ArrayList<>(); // " line", "-line", "+line"
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.get(i).equals(b.get(j))) {
                ops.add(" " + a.get(i++));
                j++;
            } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                ops.add("-" + a.get(i++));
            } else {
                ops.add("+" + b.get(j++));
            }
        }
        return ops;
    }

    static int reset(List<String> args) throws IOException {
        Step step = stepArgument(args, "reset");
        return resetStep(step, args.contains("--yes")) ? 0 : 1;
    }

    /** Puts the starting code back, after showing which files change and asking; keeps a copy of them. */
    static boolean resetStep(Step step, boolean yes) throws IOException {
        Map<Path, String> starting = startingCode(step);
        Map<Path, String> changed = changedFiles(step, starting);
        if (changed.isEmpty()) {
            OUT.println("Step " + step.number() + " is its starting code already: nothing to reset.");
            return true;
        }
        OUT.println("Resetting step " + step.number() + " puts its starting code back. These files change:");
        changed.forEach((rel, how) -> OUT.println("  " + relative(step.main().resolve(rel)) + "  (you " + how + " it; "
                + (how.equals("added") ? "it is removed" : "the starting code comes back") + ")"));
        Path backup = HOME.resolve("backup").resolve(step.name() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        OUT.println("A copy of your version goes to " + relative(backup) + " first.");
        if (!yes) {
            if (System.console() == null) {
                OUT.println("Nothing changed: no terminal to ask. To reset without asking: ./kata reset " + step.number() + " --yes");
                return false;
            }
            String answer = System.console().readLine("Reset step %s? [y/N] ", step.number());
            if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
                OUT.println("Nothing changed.");
                return false;
            }
        }
        for (Path rel : changed.keySet()) {
            Path file = step.main().resolve(rel);
            if (Files.isRegularFile(file)) {
                Path copy = backup.resolve(rel);
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            if (starting.containsKey(rel)) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, starting.get(rel), StandardCharsets.UTF_8);
            } else {
                Files.delete(file);
            }
        }
        State state = new State();
        state.put(step, "result", null);
        state.put(step, "tests", null);
        state.put(step, "at", null);
        state.save();
        OUT.println("Step " + step.number() + " is back to its starting code; your version is in " + relative(backup) + ".");
        return true;
    }

    /**
     * Starts at step NN. Each step's starting code already holds the solutions of the steps before it
     * (every step is a checkpoint), so nothing is copied: the earlier steps are marked skipped in
     * ./kata status, and step NN is put back to its starting code if it has edits (after asking).
     */
    static int jump(List<String> args) throws IOException {
        Step target = stepArgument(args, "jump");
        if (!resetStep(target, args.contains("--yes"))) {
            return 1;
        }
        State state = new State();
        for (Step s : steps()) {
            if (s.equals(target)) {
                break;
            }
            if (!"green".equals(state.get(s, "result"))) {
                state.put(s, "skipped", "true");
            }
        }
        state.put(target, "skipped", null);
        state.save();
        OUT.println();
        OUT.println("You start at step " + target.number() + ", " + target.title() + ". Its code already holds the steps before it.");
        target.goal().ifPresent(g -> OUT.println("  Goal: " + g));
        target.open().forEach(o -> OUT.println("  Open: " + o));
        target.toRead().forEach(r -> OUT.println("  Read: " + r));
        OUT.println("  Then: ./kata watch " + target.number());
        return 0;
    }

    // ================================================================ classpaths, resolved by Maven once

    /**
     * The module's classpath in the given Maven scope ("test" or "runtime"), from .kata/classpath/ when
     * the poms have not changed since Maven was last asked.
     */
    static List<String> classpath(String module, String scope) {
        String key = module.replace('/', '_') + "-" + scope;
        Path cached = HOME.resolve("classpath").resolve(key + ".txt");
        String stamp = pomStamp(module);
        Path stampFile = HOME.resolve("classpath").resolve(key + ".stamp");
        if (Files.isRegularFile(cached) && Files.isRegularFile(stampFile) && read(stampFile).equals(stamp)) {
            List<String> jars = splitClasspath(read(cached));
            // a cleaned Maven repository (or another one) means asking again
            if (jars.stream().allMatch(j -> Files.exists(Path.of(j)))) {
                return jars;
            }
        }
        resolveClasspaths(List.of(module), scope, false);
        return splitClasspath(read(cached));
    }

    static List<String> splitClasspath(String text) {
        return Arrays.stream(text.trim().split(java.io.File.pathSeparator)).filter(s -> !s.isBlank()).toList();
    }

    static void resolveClasspaths(List<String> modules, String scope, boolean offline) {
        OUT.println("Asking Maven for the classpath of " + String.join(", ", modules) + " (" + scope + "; once)...");
        String output = "target/kata-classpath-" + scope + ".txt";
        List<String> command = new ArrayList<>(mavenCommand());
        if (offline) {
            command.add("-o");
        }
        command.addAll(List.of("-q", "dependency:build-classpath", "-Dmdep.outputFile=" + output,
                "-Dmdep.includeScope=" + scope, "-pl", String.join(",", modules)));
        Path log = HOME.resolve("logs/classpath.log");
        try {
            Files.createDirectories(log.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (exec(command, ROOT, log, line -> { }) != 0) {
            lines(log).forEach(System.err::println);
            throw new Problem("Maven could not resolve the classpath (above). On a first run Maven needs the network; ./kata prepare fetches everything once.");
        }
        for (String module : modules) {
            String key = module.replace('/', '_') + "-" + scope;
            Path dir = HOME.resolve("classpath");
            try {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve(key + ".txt"), read(ROOT.resolve(module).resolve(output)), StandardCharsets.UTF_8);
                Files.writeString(dir.resolve(key + ".stamp"), pomStamp(module), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static String pomStamp(String module) {
        StringBuilder poms = new StringBuilder();
        for (Path pom : List.of(ROOT.resolve("pom.xml"), ROOT.resolve("steps/pom.xml"), ROOT.resolve(module).resolve("pom.xml"))) {
            if (Files.isRegularFile(pom)) {
                poms.append(read(pom));
            }
        }
        return sha256(poms.toString());
    }

    // ================================================================ run

    static int run(List<String> args) throws Exception {
        Path main;
        String module;
        String what;
        if (args.isEmpty()) {
            main = finishedApp();
            module = "app";
            what = "the finished app";
        } else {
            Step step = stepArgument(args, "run");
            if (!Files.isRegularFile(step.main().resolve("java/kata/SocketServer.java"))) {
                throw new Problem("Step " + step.number() + " has no Socket.IO server yet, and the page needs one: ./kata run NN works from step 04 on."
                        + " For the steps before, the tests and curl show the routes (see README).");
            }
            main = step.main();
            module = step.module();
            what = "your step " + step.number();
        }
        webDependencies(false);
        List<String> classpath = compiledApp(main, module, what, HOME.resolve("build").resolve("run"));
        // the app in a JVM of its own, started here rather than through Maven: Ctrl-C (or a TERM) stops
        // it through its shutdown hook, with no build tool in between to print an error
        Process app = new ProcessBuilder(appCommand(classpath)).directory(ROOT.toFile()).inheritIO().start();
        // Ctrl-C reaches both JVMs (the terminal signals the whole foreground group): this one lets the app
        // stop by itself, then ends with its exit code, rather than dying of the signal (exit 130)
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> { });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (app.isAlive()) {
                app.destroy();
                try {
                    app.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "stop-the-app"));
        int exit = app.waitFor();
        // 130 and 143: stopped by Ctrl-C or TERM, which is how it is meant to stop
        return exit == 130 || exit == 143 ? 0 : exit;
    }

    /** The sources of the finished app: app/pom.xml names the solution it is built from. */
    static Path finishedApp() {
        Matcher m = Pattern.compile("<kata.step>([^<]+)</kata.step>").matcher(read(ROOT.resolve("app/pom.xml")));
        String last = m.find() ? m.group(1) : steps().get(steps().size() - 1).name();
        return ROOT.resolve("solutions").resolve(last).resolve("src/main");
    }

    /** Compiles the app's sources into {@code classes}, and gives the classpath that runs it. */
    static List<String> compiledApp(Path main, String module, String what, Path classes) throws IOException {
        List<String> classpath = new ArrayList<>(classpath(module, "runtime"));
        deleteRecursively(classes);
        // as steps/pom.xml does: the step's code and the workarounds of netty-socketio's bugs (plumbing/)
        List<Path> sources = Stream.concat(walk(main.resolve("java")).stream(), walk(ROOT.resolve("plumbing/src/main/java")).stream())
                .filter(p -> p.toString().endsWith(".java")).toList();
        try {
            compile(sources, classpath, classes);
        } catch (Problem p) {
            throw new Problem(what + " does not compile; ./kata test shows where.\n" + p.getMessage());
        }
        classpath.add(0, main.resolve("resources").toString());
        classpath.add(0, classes.toString());
        return classpath;
    }

    /**
     * The command that starts the app on this classpath. The parallel collector: no concurrent refinement
     * threads, a fifth less CPU per delivery than G1 in the fan-out benchmark (BENCHMARK.md); the same
     * option as exec:exec in app/pom.xml and Fanout.
     */
    static List<String> appCommand(List<String> classpath) {
        return List.of(java(), "-XX:+UseParallelGC", "-cp", String.join(java.io.File.pathSeparator, classpath), "kata.App");
    }

    // ================================================================ cluster

    /**
     * Step 10 on one machine, as production would run it: a redis-server of its own (unless REDIS_URL
     * names one), two nodes of the finished app (or of the learner's step NN), and HAProxy in front of them on PORT and IO_PORT, round
     * robin on HTTP and sticky by cookie on Socket.IO (not with --no-sticky). Ctrl-C or a TERM stops all
     * of it. HAProxy's configuration is tools/haproxy.cfg, which the tests' balancer uses too.
     */
    static int cluster(List<String> args) throws Exception {
        boolean sticky = !args.remove("--no-sticky");
        Path main = finishedApp();
        String module = "app";
        String what = "the finished app";
        if (!args.isEmpty()) {
            Step step = stepArgument(args, "cluster");
            if (!Files.isRegularFile(step.main().resolve("java/kata/RedisAdapter.java"))) {
                throw new Problem("Step " + step.number() + " runs alone: ./kata cluster NN works from step 10 on, where nodes share through Redis.");
            }
            main = step.main();
            module = step.module();
            what = "your step " + step.number();
        }
        String haproxy = installed("haproxy");
        if (haproxy == null) {
            throw new Problem("haproxy is not installed, and ./kata cluster puts it in front of the nodes: apt-get install haproxy"
                    + " (macOS: brew install haproxy)");
        }
        String redisUrl = System.getenv("REDIS_URL");
        String redisServer = installed("redis-server");
        if ((redisUrl == null || redisUrl.isBlank()) && redisServer == null) {
            throw new Problem("redis-server is not installed, and ./kata cluster starts one: apt-get install redis-server"
                    + " (macOS: brew install redis), or set REDIS_URL to a Redis of yours");
        }
        String host = env("HOST", "127.0.0.1");
        int port = parse(System.getenv("PORT"), 3000);
        int ioPort = parse(System.getenv("IO_PORT"), 3001);
        webDependencies(false);
        List<String> classpath = compiledApp(main, module, what, HOME.resolve("build").resolve("cluster"));
        Path dir = HOME.resolve("cluster");
        deleteRecursively(dir);
        Files.createDirectories(dir);

        Cluster cluster = new Cluster();
        // Ctrl-C reaches every process of the foreground group, each of which stops by itself; a TERM to
        // this one alone stops them too. Either way this command ends with 0, as ./kata run does
        for (String signal : List.of("INT", "TERM")) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> cluster.stopping());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop, "stop-the-cluster"));
        try {
            if (redisUrl == null || redisUrl.isBlank()) {
                int redisPort = freePort();
                // its log in .kata/cluster/redis.log: nothing a demo needs on screen
                Process redis = cluster.start("redis", List.of(redisServer, "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
                        "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--logfile", dir.resolve("redis.log").toString()),
                        Map.of(), line -> { });
                redisUrl = "redis://127.0.0.1:" + redisPort;
                cluster.awaitListening("redis-server", redis, redisPort);
                OUT.println("[cluster] redis-server, pid " + redis.pid() + ": " + redisUrl + " (its own: nothing saved; REDIS_URL names another)");
            }
            // one key for both nodes (a token from one is good on the other), made up for this run unless given
            String secret = env("JWT_SECRET", java.util.Base64.getEncoder().encodeToString(new java.security.SecureRandom().generateSeed(48)));
            Map<String, String> nodeEnv = new LinkedHashMap<>(Map.of("HOST", "127.0.0.1", "PORT", "0", "IO_PORT", "0", "REDIS_URL", redisUrl,
                    "JWT_SECRET", secret, "PUBLIC_PORT", String.valueOf(port), "PUBLIC_IO_PORT", String.valueOf(ioPort)));
            List<Process> nodes = new ArrayList<>();
            List<java.util.concurrent.CompletableFuture<int[]>> listening = new ArrayList<>();
            Pattern running = Pattern.compile("running at: http://[^:]+:(\\d+) \\(Socket\\.IO on port (\\d+)\\)");
            for (String name : List.of("A", "B")) {
                java.util.concurrent.CompletableFuture<int[]> ready = new java.util.concurrent.CompletableFuture<>();
                listening.add(ready);
                nodes.add(cluster.start(name, appCommand(classpath), nodeEnv, line -> {
                    Matcher m = running.matcher(line);
                    if (m.find()) {
                        ready.complete(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
                    }
                }));
            }
            List<int[]> ports = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                ports.add(cluster.await("node " + (char) ('A' + i), nodes.get(i), listening.get(i)));
            }
            Path config = dir.resolve("haproxy.cfg");
            StringBuilder httpServers = new StringBuilder();
            StringBuilder ioServers = new StringBuilder();
            for (int i = 0; i < nodes.size(); i++) {
                String name = String.valueOf((char) ('A' + i));
                httpServers.append(i > 0 ? "\n" : "").append("    server ").append(name).append(" 127.0.0.1:").append(ports.get(i)[0]);
                ioServers.append(i > 0 ? "\n" : "").append("    server ").append(name).append(" 127.0.0.1:").append(ports.get(i)[1])
                        .append(sticky ? " cookie " + name : "");
            }
            // the same blanks, filled the same way, as the tests' balancer (harness/src/main/java/kata/harness/Balancer.java)
            Files.writeString(config, read(ROOT.resolve("tools/haproxy.cfg")).replace("${HOST}", host)
                    .replace("${PORT}", String.valueOf(port)).replace("${IO_PORT}", String.valueOf(ioPort))
                    .replace("${HTTP_SERVERS}", httpServers).replace("${IO_SERVERS}", ioServers)
                    .replace("${STICKY}", sticky ? "    cookie SERVERID insert indirect nocache" : "    # no stickiness: each request to the next node"),
                    StandardCharsets.UTF_8);
            Process balancer = cluster.start("balancer", List.of(haproxy, "-db", "-f", config.toString()), Map.of(), line -> { });
            cluster.awaitListening("haproxy", balancer, ioPort);
            cluster.awaitListening("haproxy", balancer, port);
            cluster.serving = true;
            for (int i = 0; i < nodes.size(); i++) {
                OUT.println("[cluster] node " + (char) ('A' + i) + ", pid " + nodes.get(i).pid() + ": http://127.0.0.1:" + ports.get(i)[0]
                        + ", Socket.IO on port " + ports.get(i)[1]);
            }
            String shown = host.equals("127.0.0.1") ? "localhost" : host;
            OUT.println("[cluster] HAProxy, pid " + balancer.pid() + ": http://" + shown + ":" + port + " (round robin), Socket.IO on port "
                    + ioPort + (sticky ? " (sticky: the cookie SERVERID names the node)" : " (round robin: NOT sticky)") + "; " + relative(config));
            OUT.println("[cluster] " + probe(host, ioPort));
            if (!sticky) {
                OUT.println("[cluster] the page still works: it goes straight to websocket, one connection that needs no stickiness;"
                        + " clients that start with polling (the tests' Java client, a browser behind a proxy that blocks websockets) fail");
            }
            OUT.println("[cluster] open http://" + shown + ":" + port + " and log in as john / changeit. Ctrl-C stops everything.");
            balancer.waitFor();
        } catch (Problem p) {
            if (!cluster.stopping) {
                throw p;
            }
            // Ctrl-C while it started: no problem of anyone's
        } finally {
            cluster.stop();
        }
        return 0;
    }

    /**
     * A polling session through the balancer: its handshake, then one request of it (a NOOP packet). With
     * stickiness both reach the same node; without, the next request goes to the other node, which
     * answers 400 "Session ID unknown": what every polling client then meets.
     */
    static String probe(String host, int ioPort) {
        var http = java.net.http.HttpClient.newBuilder().cookieHandler(new java.net.CookieManager())
                .connectTimeout(Duration.ofSeconds(2)).build();
        String base = "http://" + host + ":" + ioPort + "/socket.io/?EIO=4&transport=polling";
        try {
            var open = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base)).timeout(Duration.ofSeconds(5)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            Matcher sid = Pattern.compile("\"sid\":\"([^\"]+)\"").matcher(open.body());
            if (!sid.find()) {
                return "probe: the handshake through the balancer got " + open.statusCode() + " " + open.body();
            }
            String url = base + "&sid=" + sid.group(1);
            var noop = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(5))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("6")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            String first = open.headers().firstValue("x-served-by").orElse("?");
            String next = noop.headers().firstValue("x-served-by").orElse("?");
            // the session is of no use: it goes, on the node that knows it
            http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(5))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("1")).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
            return "probe: a polling session's handshake was answered by node " + first + ", its next request by node " + next + ": "
                    + noop.statusCode() + " " + noop.body() + (noop.statusCode() == 200 ? "" : " (what polling clients meet without stickiness)");
        } catch (IOException e) {
            return "probe: no answer through the balancer: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "probe: interrupted";
        }
    }

    /** The processes of ./kata cluster, their output prefixed with their name; stopped in reverse order. */
    static final class Cluster {
        private final List<Process> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile boolean stopping;
        /** Once the balancer listens. */
        volatile boolean serving;

        Process start(String name, List<String> command, Map<String, String> env, Consumer<String> watch) throws IOException {
            ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
            builder.environment().putAll(env);
            Process process = builder.start();
            started.add(process);
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        OUT.println("[" + name + "] " + line);
                        watch.accept(line);
                    }
                } catch (IOException e) {
                    // the process is gone
                }
                try {
                    int exit = process.waitFor();
                    if (!stopping) {
                        OUT.println("[cluster] " + name + " (pid " + process.pid() + ") ended, exit code " + exit
                                + (serving && name.length() == 1 ? ": the balancer sends its requests to the other node" : ""));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "cluster-" + name);
            reader.setDaemon(true);
            reader.start();
            return process;
        }

        /** Waits (bounded) for what the process says when it is ready. */
        int[] await(String what, Process process, java.util.concurrent.CompletableFuture<int[]> ready) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!ready.isDone()) {
                if (!process.isAlive()) {
                    throw new Problem(what + " stopped at start (exit code " + process.exitValue() + "): its lines above say why.");
                }
                if (System.nanoTime() > deadline) {
                    throw new Problem(what + " did not say where it listens within 60 s.");
                }
                Thread.sleep(20);
            }
            return ready.get();
        }

        /** Waits (bounded) until the process accepts connections on this port. */
        void awaitListening(String what, Process process, int port) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (true) {
                try (java.net.Socket socket = new java.net.Socket()) {
                    socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
                    return;
                } catch (IOException e) {
                    if (!process.isAlive()) {
                        throw new Problem(what + " stopped at start (exit code " + process.exitValue() + "): its lines above say why.");
                    }
                    if (System.nanoTime() > deadline) {
                        throw new Problem(what + " does not listen on port " + port + " after 10 s.");
                    }
                    Thread.sleep(20);
                }
            }
        }

        /** Ctrl-C or TERM: the balancer goes first, which ends the wait of ./kata cluster. */
        void stopping() {
            stopping = true;
            started.stream().filter(Process::isAlive).reduce((first, last) -> last).ifPresent(Process::destroy);
        }

        /** Stops what still runs, the last started first: the balancer, the nodes (each closes itself), then Redis. */
        synchronized void stop() {
            stopping = true;
            List<Process> reversed = new ArrayList<>(started);
            java.util.Collections.reverse(reversed);
            for (Process process : reversed) {
                if (process.isAlive()) {
                    process.destroy();
                    try {
                        if (!process.waitFor(10, TimeUnit.SECONDS)) {
                            process.destroyForcibly();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        process.destroyForcibly();
                    }
                }
            }
        }
    }

    /** A program on PATH, or in Debian's /usr/sbin (not on every user's PATH), or null. */
    static String installed(String program) {
        for (String name : WINDOWS ? List.of(program + ".exe") : List.of(program)) {
            if (onPath(name)) {
                return name;
            }
            for (String dir : List.of("/usr/sbin", "/usr/local/sbin")) {
                if (!WINDOWS && Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        return null;
    }

    static String env(String name, String otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : value;
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The page's JavaScript client, from npm (web/package-lock.json pins it). */
    static boolean webDependencies(boolean required) {
        if (!Files.isRegularFile(ROOT.resolve("web/package.json"))
                || Files.isRegularFile(ROOT.resolve("web/node_modules/socket.io-client/dist/socket.io.min.js"))) {
            return true;
        }
        if (!onPath(npm())) {
            System.err.println("npm is not on PATH: the page in web/ needs Node.js and npm to install its Socket.IO client.");
            System.err.println("The app still starts; the page will say that its client is missing.");
            return !required;
        }
        OUT.println("Installing the page's JavaScript dependencies (npm ci in web/)...");
        int exit = exec(List.of(npm(), "ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"), ROOT.resolve("web"), null);
        if (exit != 0) {
            System.err.println("npm ci failed (no network? ./kata prepare, the day before, fetches it once). The app still starts; the page will say that its client is missing.");
            return !required;
        }
        return true;
    }

    // ================================================================ check, prepare, sync, bench

    static int check(List<String> args) throws Exception {
        requireMaven();
        webDependencies(false);
        Files.createDirectories(ROOT.resolve("target"));
        // reports of an earlier run must not stand in for this one
        for (Step s : steps()) {
            deleteRecursively(s.dir().resolve("target/surefire-reports"));
            deleteRecursively(s.dir().resolve("target/solution/surefire-reports"));
        }
        section("The starting code of each step is its solution without the marked regions");
        if (kataCheck("generated") != 0) {
            return 1;
        }
        section("Files carried from one solution to the next are the same, but for each step's lesson");
        if (kataCheck("carried") != 0) {
            return 1;
        }
        section("The snippets and quoted messages of the Markdown still match the kata; the handouts are current");
        if (kataCheck("snippets") != 0 || kataCheck("quotes") != 0) {
            return 1;
        }
        if (exec(List.of(java(), "tools/Handouts.java", "check"), ROOT, null) != 0) {
            return 1;
        }
        section("No command overwrites edited starting code without asking");
        if (!commandsKeepEdits()) {
            return 1;
        }
        section("A clone with Windows line endings (git's core.autocrlf) still runs ./kata");
        if (!crlfCloneRuns()) {
            return 1;
        }
        section("Every test, against the solutions and the finished app");
        List<String> mvn = new ArrayList<>(mavenCommand());
        mvn.addAll(List.of("test", "-Psolution"));
        if (exec(mvn, ROOT, null) != 0) {
            return 1;
        }
        Path log = ROOT.resolve("target/check-starting-code.log");
        section("Every step's tests against its starting code (they must all fail; log: " + relative(log) + ")");
        mvn = new ArrayList<>(mavenCommand());
        // the starting code fails fast, so its run may use both cores
        mvn.addAll(List.of("-T", "2", "test", "-pl", steps().stream().map(Step::module).collect(Collectors.joining(",")),
                "-Dmaven.test.failure.ignore=true", "-Dsurefire.failIfNoSpecifiedTests=false"));
        Pattern building = Pattern.compile("^\\[INFO\\] Building (Step .*) 1\\.0-SNAPSHOT.*");
        if (exec(mvn, ROOT, log, line -> {
            Matcher m = building.matcher(line);
            if (m.find()) {
                OUT.println("   " + m.group(1));
            }
        }) != 0) {
            List<String> all = lines(log);
            all.subList(Math.max(0, all.size() - 40), all.size()).forEach(OUT::println);
            System.err.println("The starting code of a step does not build: see " + relative(log) + ".");
            return 1;
        }
        // the approval tests that failed on starting code left *.received.txt files: they are not to approve
        for (Step s : steps()) {
            for (Path f : walk(s.dir().resolve("src/test"))) {
                if (f.getFileName().toString().contains(".received.")) {
                    Files.delete(f);
                }
            }
        }
        section("Both directions, test by test");
        if (kataCheck("integrity") != 0) {
            return 1;
        }
        section("The fast runner of ./kata watch and ./kata test gives Maven's verdicts");
        boolean same = sameVerdicts();
        OUT.println("check: " + (same ? "passed" : "FAILED") + " in " + (System.nanoTime() - STARTED) / 1_000_000_000 + " s");
        return same ? 0 : 1;
    }

    /** For every step, starting code and solution: the fast runner passes and fails the tests Maven did. */
    static boolean sameVerdicts() throws Exception {
        boolean same = true;
        Method cases = kataCheck().getDeclaredMethod("cases", Path.class);
        cases.setAccessible(true);
        for (Step step : steps()) {
            try (Runner runner = new Runner(step)) {
                List<String> problems = new ArrayList<>();
                for (boolean solution : new boolean[] {false, true}) {
                    @SuppressWarnings("unchecked")
                    Map<String, String> maven = (Map<String, String>) cases.invoke(null,
                            step.dir().resolve(solution ? "target/solution/surefire-reports" : "target/surefire-reports"));
                    Verdict v = runner.run(solution ? step.solution() : step.main(), null, false, x -> { });
                    Map<String, String> fast = new TreeMap<>();
                    v.results.forEach(r -> fast.put(r.reportName(), r.outcome().equals("passed") ? "passed" : r.outcome().equals("skipped") ? "skipped" : "failed"));
                    Map<String, String> mavenPassFail = new TreeMap<>();
                    maven.forEach((k, o) -> mavenPassFail.put(k, o.equals("error") ? "failed" : o));
                    if (!fast.equals(mavenPassFail)) {
                        Set<String> names = new TreeSet<>(fast.keySet());
                        names.addAll(mavenPassFail.keySet());
                        for (String name : names) {
                            if (!String.valueOf(fast.get(name)).equals(String.valueOf(mavenPassFail.get(name)))) {
                                problems.add((solution ? "solution" : "starting code") + ": " + name + ": Maven " + mavenPassFail.get(name) + ", fast runner " + fast.get(name));
                            }
                        }
                        if (v.error != null || !v.compileErrors.isEmpty()) {
                            problems.add(v.error != null ? v.error : String.join("; ", v.compileErrors));
                        }
                    }
                }
                OUT.printf("%-20s %s%n", step.name(), problems.isEmpty() ? "same verdicts, test by test, on the starting code and the solution" : "DIFFERENT  <-- PROBLEM");
                problems.stream().limit(10).forEach(p -> OUT.println("    " + p));
                same &= problems.isEmpty();
            }
        }
        return same;
    }

    /**
     * In a copy of the kata with an edit in step 01's starting code: sync, reset without an answer,
     * and jump leave the edit alone; reset --yes restores the starting code and keeps a copy.
     */
    static boolean commandsKeepEdits() throws Exception {
        Path copy = HOME.resolve("scratch/safety");
        deleteRecursively(copy);
        Step first = steps().get(0);
        copyTree(ROOT.resolve("tools"), copy.resolve("tools"));
        copyTree(ROOT.resolve("solutions"), copy.resolve("solutions"));
        for (Step s : steps()) {
            copyTree(s.main(), copy.resolve("steps").resolve(s.name()).resolve("src/main"));
            Files.copy(s.dir().resolve("pom.xml"), copy.resolve("steps").resolve(s.name()).resolve("pom.xml"));
        }
        String open = first.open().isEmpty() ? null : first.open().get(0);
        Path edited = open == null ? walk(copy.resolve(relative(first.main()))).get(0) : copy.resolve(open);
        String work = read(edited) + "\n// the learner's work\n";
        Files.writeString(edited, work, StandardCharsets.UTF_8);
        List<String> problems = new ArrayList<>();
        // compiled once here, rather than by each of the four launches below
        Path classes = HOME.resolve("scratch/cli");
        deleteRecursively(classes);
        compile(List.of(ROOT.resolve("tools/Kata.java")), List.of(), classes);
        for (List<String> command : List.of(List.of("sync"), List.of("reset", first.number()), List.of("jump", first.number()))) {
            List<String> line = new ArrayList<>(List.of(java(), "-XX:TieredStopAtLevel=1", "-cp", classes.toString(), "Kata"));
            line.addAll(command);
            int exit = exec(line, copy, copy.resolve("out.log"), x -> { });
            if (!read(edited).equals(work)) {
                problems.add("./kata " + String.join(" ", command) + " overwrote the edit in " + relative(first.main()));
            } else if (exit == 0) {
                problems.add("./kata " + String.join(" ", command) + " kept the edit but did not say so with its exit code");
            }
        }
        exec(List.of(java(), "-XX:TieredStopAtLevel=1", "-cp", classes.toString(), "Kata", "reset", first.number(), "--yes"), copy, copy.resolve("out.log"), x -> { });
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

    static void copyTree(Path from, Path to) throws IOException {
        for (Path f : walk(from)) {
            Path target = to.resolve(from.relativize(f).toString());
            Files.createDirectories(target.getParent());
            Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static int kataCheck(String command) throws Exception {
        Method main = kataCheck().getDeclaredMethod("run", String.class, List.class);
        main.setAccessible(true);
        return (int) main.invoke(null, command, List.of());
    }

    static final long STARTED = System.nanoTime();

    /** A heading, with the time since the command started: where a slow check spends its time. */
    static void section(String title) {
        OUT.println("== " + title + "  (at " + (System.nanoTime() - STARTED) / 1_000_000_000 + " s)");
    }

    static int prepare() throws Exception {
        requireMaven();
        section("Fetching what the kata needs: Maven's dependencies and plugins, the page's npm packages");
        List<String> mvn = new ArrayList<>(mavenCommand());
        // compiling everything fetches the dependencies and the build plugins; one step's tests fetch
        // Surefire's JUnit provider; exec:help the plugin ./kata bench uses
        mvn.addAll(List.of("test-compile", "-Psolution"));
        if (exec(mvn, ROOT, null) != 0) {
            return 1;
        }
        mvn = new ArrayList<>(mavenCommand());
        mvn.addAll(List.of("-q", "test", "-Psolution", "-pl", steps().get(0).module()));
        if (exec(mvn, ROOT, null) != 0) {
            return 1;
        }
        mvn = new ArrayList<>(mavenCommand());
        mvn.addAll(List.of("-q", "-pl", "app", "exec:help"));
        if (exec(mvn, ROOT, null) != 0) {
            return 1;
        }
        List<String> modules = new ArrayList<>(steps().stream().map(Step::module).toList());
        modules.add("app");
        resolveClasspaths(modules, "test", false);
        resolveClasspaths(modules, "runtime", false);
        compileRunner(classpath(steps().get(0).module(), "test"));
        boolean npm = webDependencies(true);

        section("Proof: the same, with Maven offline (-o) and npm offline");
        List<String> offline = new ArrayList<>(mavenCommand());
        offline.addAll(List.of("-o", "test", "-Psolution"));
        boolean ok = exec(offline, ROOT, null) == 0;
        OUT.println(ok ? "offline: every step's tests and the finished app's pass with mvn -o" : "offline: mvn -o failed (above)");
        resolveClasspaths(modules, "runtime", true);
        boolean runs = runsOffline();
        OUT.println(runs ? "offline: ./kata run starts the finished app" : "offline: ./kata run did not start (above)");
        ok &= runs;
        if (npm && onPath(npm())) {
            Path proof = HOME.resolve("npm-offline");
            deleteRecursively(proof);
            Files.createDirectories(proof);
            for (String f : List.of("package.json", "package-lock.json")) {
                Files.copy(ROOT.resolve("web").resolve(f), proof.resolve(f));
            }
            boolean installs = exec(List.of(npm(), "ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"), proof, null) == 0;
            deleteRecursively(proof);
            OUT.println(installs ? "offline: npm ci --offline installs the page's client from npm's cache" : "offline: npm ci --offline failed");
            ok &= installs;
        } else {
            OUT.println("npm: not installed, so the page's client is missing; everything else works (install Node.js and npm, then prepare again)");
        }
        OUT.println(ok ? "prepared: the kata works without a network from now on" : "NOT prepared: see above");
        return ok ? 0 : 1;
    }

    /** Starts the finished app on free ports, as ./kata run does, waits for its line, and stops it. */
    static boolean runsOffline() throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), ROOT.resolve("tools/Kata.java").toString(), "run"));
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().put("PORT", "0");
        pb.environment().put("IO_PORT", "0");
        Process p = pb.start();
        boolean started = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            String line;
            while (System.nanoTime() < deadline && (line = in.readLine()) != null) {
                OUT.println("  | " + line);
                if (line.contains("application is running at")) {
                    started = true;
                    break;
                }
            }
        } finally {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
        }
        return started;
    }

    static int sync(List<String> args) throws Exception {
        carry();
        Method run = kataCheck().getDeclaredMethod("run", String.class, List.class);
        run.setAccessible(true);
        return (int) run.invoke(null, "generate", args);
    }

    /**
     * Carries an author's fix forward: for each file of a solution that differs from the last commit
     * (git), the same change is made to that file in every later solution, hunk by hunk, where the
     * lines it changes are found there unchanged. A later copy that the author edited too is left as
     * it is (its own change is carried on from there). What cannot be carried is named.
     */
    static void carry() {
        if (!Files.isDirectory(ROOT.resolve(".git")) && !Files.isRegularFile(ROOT.resolve(".git"))) {
            OUT.println("carry: not a git clone, so nothing tells what changed in solutions/; nothing carried");
            return;
        }
        List<Step> steps = steps();
        Set<String> edited = new TreeSet<>();
        Map<String, String> committed = new TreeMap<>();
        for (Step s : steps) {
            for (Path f : walk(s.solution())) {
                String path = relative(f);
                String before = gitShow(path);
                if (before != null && !before.equals(read(f))) {
                    edited.add(path);
                    committed.put(path, before);
                }
            }
        }
        for (int i = 0; i < steps.size(); i++) {
            Step from = steps.get(i);
            for (Path f : walk(from.solution())) {
                String path = relative(f);
                if (!edited.contains(path)) {
                    continue;
                }
                List<Hunk> hunks = hunks(lines(committed.get(path)), lines(read(f)));
                Path rel = from.solution().relativize(f);
                for (Step later : steps.subList(i + 1, steps.size())) {
                    Path target = later.solution().resolve(rel);
                    String targetPath = relative(target);
                    if (!Files.isRegularFile(target) || edited.contains(targetPath)) {
                        break;
                    }
                    List<String> text = new ArrayList<>(lines(read(target)));
                    List<String> missed = new ArrayList<>();
                    for (Hunk h : hunks) {
                        if (!h.applyTo(text)) {
                            missed.add(String.join(" / ", h.removed().isEmpty() ? h.before() : h.removed()).strip());
                        }
                    }
                    try {
                        Files.writeString(target, String.join("\n", text), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    edited.add(targetPath);
                    committed.put(targetPath, gitShow(targetPath));
                    OUT.println("carried the change of " + path + " to " + targetPath
                            + (missed.isEmpty() ? "" : ", but for " + missed.size() + " place(s) that read differently there: make it by hand at " + missed));
                    if (!missed.isEmpty()) {
                        break;
                    }
                }
            }
        }
    }

    static String gitShow(String path) {
        try {
            Process p = new ProcessBuilder("git", "show", "HEAD:" + path).directory(ROOT.toFile()).redirectErrorStream(false).start();
            p.getErrorStream().close();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? text.replace("\r\n", "\n") : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** One change: the lines before it (context), the lines it removes and adds, the lines after it. */
    record Hunk(List<String> before, List<String> removed, List<String> added, List<String> after) {
        boolean applyTo(List<String> text) {
            List<String> old = new ArrayList<>(before);
            old.addAll(removed);
            old.addAll(after);
            int at = indexOfOnce(text, old);
            if (at >= 0) {
                List<String> replacement = new ArrayList<>(before);
                replacement.addAll(added);
                replacement.addAll(after);
                text.subList(at, at + old.size()).clear();
                text.addAll(at, replacement);
                return true;
            }
            // the lines around may differ from copy to copy; the changed lines alone, found once, will do
            at = removed.isEmpty() ? -1 : indexOfOnce(text, removed);
            if (at < 0) {
                return false;
            }
            text.subList(at, at + removed.size()).clear();
            text.addAll(at, added);
            return true;
        }

        static int indexOfOnce(List<String> text, List<String> block) {
            int found = -1;
            for (int i = 0; i + block.size() <= text.size(); i++) {
                if (text.subList(i, i + block.size()).equals(block)) {
                    if (found >= 0) {
                        return -1;
                    }
                    found = i;
                }
            }
            return found;
        }
    }

    static List<Hunk> hunks(List<String> a, List<String> b) {
        List<String> ops = editScript(a, b);
        List<Hunk> hunks = new ArrayList<>();
        int k = 0;
        while (k < ops.size()) {
            if (ops.get(k).charAt(0) == ' ') {
                k++;
                continue;
            }
            List<String> removed = new ArrayList<>();
            List<String> added = new ArrayList<>();
            int start = k;
            while (k < ops.size() && ops.get(k).charAt(0) != ' ') {
                (ops.get(k).charAt(0) == '-' ? removed : added).add(ops.get(k).substring(1));
                k++;
            }
            List<String> before = new ArrayList<>();
            for (int c = Math.max(0, start - 2); c < start; c++) {
                if (ops.get(c).charAt(0) == ' ') {
                    before.add(ops.get(c).substring(1));
                }
            }
            List<String> after = new ArrayList<>();
            for (int c = k; c < Math.min(ops.size(), k + 2) && ops.get(c).charAt(0) == ' '; c++) {
                after.add(ops.get(c).substring(1));
            }
            hunks.add(new Hunk(before, removed, added, after));
        }
        return hunks;
    }

    /** bench: handshakes and events in one JVM, then the fan-out to thousands of connections; bench fanout: only that. */
    static int bench(List<String> arguments) {
        requireMaven();
        boolean fanoutOnly = arguments.contains("fanout");
        for (String main : fanoutOnly ? List.of("kata.bench.Fanout") : List.of("kata.bench.Benchmark", "kata.bench.Fanout")) {
            List<String> mvn = new ArrayList<>(mavenCommand());
            mvn.addAll(List.of("-q", "-pl", "app", "test-compile", "exec:java", "-Dexec.classpathScope=test", "-Dexec.mainClass=" + main));
            int exit = exec(mvn, ROOT, null);
            if (exit != 0) {
                return exit;
            }
        }
        return 0;
    }

    // ================================================================ processes

    static String npm() {
        return WINDOWS ? "npm.cmd" : "npm";
    }

    static List<String> mavenCommand() {
        return List.of(WINDOWS ? "mvn.cmd" : "mvn", "-B", "-ntp", "-Dstyle.color=never");
    }

    static void requireMaven() {
        if (!onPath(WINDOWS ? "mvn.cmd" : "mvn")) {
            throw new Problem("mvn is not on PATH. Install Maven 3.8 or newer (for example: apt-get install maven, brew install maven, or scoop install maven).");
        }
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir).resolve(program))) {
                return true;
            }
        }
        return false;
    }

    static int exec(List<String> command, Path dir, Path log) {
        return exec(command, dir, log, line -> OUT.println(line));
    }

    /** Runs a program; its output goes to the terminal, or to a log file and, line by line, to {@code lines}. */
    static int exec(List<String> command, Path dir, Path log, Consumer<String> lines) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
            if (log == null) {
                pb.inheritIO();
                return pb.start().waitFor();
            }
            pb.redirectErrorStream(true);
            Process p = pb.start();
            try (var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
                    BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.write(line);
                    out.newLine();
                    lines.accept(line);
                }
            }
            return p.waitFor();
        } catch (IOException e) {
            throw new Problem("Cannot start " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    // ================================================================ files

    static List<Path> walk(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(Path file) {
        return lines(read(file));
    }

    static List<String> lines(String text) {
        return Arrays.asList(text.replace("\r\n", "\n").split("\n", -1));
    }

    static String relative(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        return (abs.startsWith(ROOT) ? ROOT.relativize(abs) : abs).toString().replace('\\', '/');
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static int parse(String s, int otherwise) {
        try {
            return s == null ? otherwise : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                out.append(n == 'n' ? '\n' : n == 't' ? '\t' : n);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
