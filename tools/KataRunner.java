import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import org.junit.platform.engine.CancellationToken;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.MethodFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherExecutionRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The fast runner behind {@code ./kata watch} and {@code ./kata test}: one JVM per step that stays up,
 * compiles the step with the JDK's compiler and runs its tests through the JUnit Platform Launcher, as
 * often as it is asked. Maven stays the reference; {@code ./kata check} proves both give the same verdicts.
 *
 * <p>It runs in the step's folder (as Surefire does) with the step's test classpath, resolved by Maven
 * once. The libraries stay loaded (the JIT stays warm); the step's code, its tests and the harness get a
 * fresh class loader every run. The tests stop the servers they start (RunningApp).
 *
 * <p>It reads commands on its standard input, one a line: {@code run<TAB>source roots<TAB>resources<TAB>
 * test or -<TAB>stop at first failure (true/false)} (the roots as tools/cli/Steps.java gives them), or
 * {@code cancel}; it ends when its input ends. It answers with lines that start with {@code @kata };
 * what the tests and the app print goes to a log file instead.
 */
public class KataRunner {

    static final String PREFIX = "@kata ";

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        Path build = Path.of(args[1]).toAbsolutePath().normalize();
        Path log = Path.of(args[2]).toAbsolutePath().normalize();
        // what this JVM was started with: the step's test classpath, resolved by Maven, and this runner
        List<Path> dependencies = new ArrayList<>(Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(s -> !s.isBlank()).map(Path::of).toList());
        // libraries that keep state in static fields (ApprovalTests remembers every file it verified):
        // loaded afresh with the step's classes on every run
        List<Path> fresh = Stream.of(System.getProperty("kata.fresh", "").split(java.io.File.pathSeparator))
                .filter(s -> !s.isBlank()).map(Path::of).toList();
        dependencies.addAll(fresh);
        Path step = Path.of("").toAbsolutePath().normalize();

        PrintStream answers = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        Files.createDirectories(log.getParent());
        // appended to, and emptied at the start of each run: the log holds the last run only
        FileOutputStream logFile = new FileOutputStream(log.toFile(), true);
        logFile.getChannel().truncate(0);
        PrintStream logStream = new PrintStream(logFile, true, StandardCharsets.UTF_8);
        System.setOut(logStream);
        System.setErr(logStream);

        KataRunner runner = new KataRunner(root, step, build, dependencies, fresh, answers);
        BlockingQueue<String[]> commands = new LinkedBlockingQueue<>();
        Thread input = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.equals("cancel")) {
                        runner.cancel();
                    } else if (!line.isBlank()) {
                        commands.add(line.split("\t", -1));
                    }
                }
            } catch (IOException ignored) {
            }
            // whatever the tests left running (a server that was never stopped), this JVM ends with its CLI
            Runtime.getRuntime().halt(0);
        }, "commands");
        input.setDaemon(true);
        input.start();
        answers.println(PREFIX + "ready");
        while (true) {
            String[] command = commands.take();
            if (command[0].equals("run")) {
                logStream.flush();
                logFile.getChannel().truncate(0);
                logStream.println("# the log of the run of " + java.time.LocalTime.now().withNano(0) + ": " + (command[3].equals("-") ? "every test" : command[3]));
                List<Path> sources = Stream.of(command[1].split(java.io.File.pathSeparator)).map(Path::of).toList();
                runner.run(sources, Path.of(command[2]), command[3], Boolean.parseBoolean(command[4]));
            }
        }
    }

    private final Path root;
    private final Path step;
    private final Path build;
    private final List<Path> dependencies;
    private final List<Path> fresh;
    private final PrintStream answers;
    private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    private final StandardJavaFileManager files;
    private final AtomicReference<CancellationToken> current = new AtomicReference<>();
    private Path harness;

    KataRunner(Path root, Path step, Path build, List<Path> dependencies, List<Path> fresh, PrintStream answers) {
        this.fresh = fresh;
        this.root = root;
        this.step = step;
        this.build = build;
        this.dependencies = dependencies;
        this.answers = answers;
        this.files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);
    }

    void cancel() {
        java.util.Optional.ofNullable(current.get()).ifPresent(CancellationToken::cancel);
    }

    void run(List<Path> mainSources, Path resources, String selection, boolean stopAtFirstFailure) {
        long start = System.nanoTime();
        try {
            if (harness == null) {
                harness = build.resolve("harness");
                if (!compile(List.of(root.resolve("harness/src/main/java")), List.of(), harness)) {
                    answers.println(PREFIX + "done 0 0 0");
                    return;
                }
            }
            Path mainOut = build.resolve("main");
            Path testOut = build.resolve("test");
            if (!compile(mainSources, List.of(), mainOut)
                    || !compile(List.of(step.resolve("src/test/java")), List.of(mainOut, harness), testOut)) {
                answers.println(PREFIX + "done 0 0 " + millis(start));
                return;
            }
            Set<String> ownClasses = classNames(mainOut);
            // the order of Maven's test classpath: test classes (and the harness), then the main ones
            List<URL> urls = new ArrayList<>();
            for (Path p : List.of(testOut, step.resolve("src/test/resources"), harness,
                    root.resolve("harness/src/main/resources"), mainOut, resources)) {
                urls.add(p.toUri().toURL());
            }
            for (Path p : fresh) {
                urls.add(p.toUri().toURL());
            }
            ClassLoader parent = KataRunner.class.getClassLoader();
            Thread thread = Thread.currentThread();
            try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), parent)) {
                thread.setContextClassLoader(loader);
                execute(loader, testOut, selection, stopAtFirstFailure, ownClasses, start);
            } finally {
                thread.setContextClassLoader(parent);
            }
        } catch (Throwable e) {
            answers.println(PREFIX + "error " + escape(String.valueOf(e)));
            answers.println(PREFIX + "done 0 0 " + millis(start));
        }
    }

    private void execute(ClassLoader loader, Path testOut, String selection, boolean stopAtFirstFailure,
            Set<String> ownClasses, long start) throws Exception {
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request();
        if (selection.equals("-")) {
            // what Surefire runs by default: classes named Test*, *Test, *Tests
            request.selectors(selectClasspathRoots(Set.of(testOut)))
                    .filters(ClassNameFilter.includeClassNamePatterns(ClassNameFilter.STANDARD_INCLUDE_PATTERN));
        } else {
            String[] parts = selection.split("#", 2);
            String className = parts[0].contains(".") ? parts[0] : "kata." + parts[0];
            Class<?> testClass;
            try {
                testClass = loader.loadClass(className);
            } catch (ClassNotFoundException e) {
                answers.println(PREFIX + "error " + escape("there is no test class " + parts[0] + " in "
                        + root.relativize(step.resolve("src/test/java")).toString().replace('\\', '/')));
                answers.println(PREFIX + "done 0 0 " + millis(start));
                return;
            }
            request.selectors(selectClass(testClass));
            if (parts.length == 2) {
                request.filters(MethodFilter.includeMethodNamePatterns(
                        Pattern.quote(className + "#" + parts[1]) + "(\\(.*\\))?"));
            }
        }
        LauncherDiscoveryRequest discovery = request.build();
        Launcher launcher = LauncherFactory.create();
        TestPlan plan = launcher.discover(discovery);
        long count = plan.countTestIdentifiers(TestIdentifier::isTest);
        answers.println(PREFIX + "plan " + count);
        CancellationToken token = CancellationToken.create();
        current.set(token);
        AtomicInteger passed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        // where each result is shown: each class, then its tests (or parameterized methods), in the order they are
        // run in when nothing runs at the same time (a step may order its classes: the order of its lesson)
        List<TestIdentifier> slots = new ArrayList<>();
        Set<TestIdentifier> testClasses = new java.util.HashSet<>();
        for (TestIdentifier root : plan.getRoots()) {
            for (TestIdentifier type : plan.getChildren(root)) {
                testClasses.add(type);
                slots.add(type);
                slots.addAll(plan.getChildren(type));
            }
        }
        TestExecutionListener listener = new TestExecutionListener() {
            private TestPlan running;
            /**
             * A step may run its test classes, or a class its tests, at the same time (junit-platform.properties,
             * {@code @Execution}): what each test says is held back until the tests before it have run, so that the
             * first failure shown is the first in the lesson's order, and a failure stops the run only once shown.
             */
            private final java.util.Map<Integer, List<Runnable>> held = new java.util.HashMap<>();
            private final Set<Integer> done = new java.util.HashSet<>();
            /** The first slot whose tests have not all run: what it, and what the slots before it, say is said at once. */
            private int shown;
            private boolean allDoneSaid;

            @Override
            public void testPlanExecutionStarted(TestPlan testPlan) {
                running = testPlan;
            }

            /** KATA_TRACE=file: when each class and test starts and ends, in ms from the run's start, added to that file (for authors). */
            private void trace(String what, TestIdentifier test) {
                if (TRACE != null) {
                    try {
                        Files.writeString(Path.of(TRACE), "+" + millis(start) + " ms " + what + " " + test.getDisplayName() + "\n",
                                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }

            private int slotOf(TestIdentifier test) {
                for (TestIdentifier at = test; at != null; at = running.getParent(at).orElse(null)) {
                    int slot = slots.indexOf(at);
                    if (slot >= 0) {
                        return slot;
                    }
                }
                return -1;
            }

            @Override
            public synchronized void executionStarted(TestIdentifier test) {
                trace("started", test);
                // a class's first test starts: the class has started well, what its tests say may be shown
                running.getParent(test).filter(testClasses::contains).map(slots::indexOf).ifPresent(this::ran);
            }

            /** The tests of this slot have run: what comes after it may be said. */
            private void ran(int slot) {
                done.add(slot);
                while (shown < slots.size() && done.contains(shown)) {
                    shown++;
                    List<Runnable> waiting = held.remove(shown);
                    if (waiting != null) {
                        waiting.forEach(Runnable::run);
                    }
                }
                if (shown == slots.size() && !allDoneSaid) {
                    // once the last class has run its last test, the verdict is known: its clean-up need not be waited for
                    allDoneSaid = true;
                    answers.println(PREFIX + "all-tests-done");
                }
            }

            private void finished(TestIdentifier test) {
                int slot = slots.indexOf(test);
                if (slot < 0) {
                    return;
                }
                // a class that ends (or never ran a test: its set-up failed) is done with all of its tests
                running.getChildren(test).stream().map(slots::indexOf).filter(child -> child > slot).forEach(done::add);
                ran(slot);
            }

            /** Says it now if every slot before this one has run its tests; else once they have. */
            private void say(int slot, Runnable saying) {
                if (slot <= shown) {
                    saying.run();
                } else {
                    held.computeIfAbsent(slot, s -> new ArrayList<>()).add(saying);
                }
            }

            @Override
            public synchronized void executionFinished(TestIdentifier test, TestExecutionResult result) {
                trace("finished", test);
                try {
                    say(slotOf(test), () -> report(test, result));
                } finally {
                    finished(test);
                }
            }

            private void report(TestIdentifier test, TestExecutionResult result) {
                if (!test.isTest() && result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                    return;
                }
                if (result.getStatus() == TestExecutionResult.Status.ABORTED) { // an assumption that does not hold: skipped, as Maven says
                    answers.println(PREFIX + "test skipped\t" + escape(reportName(running, test)) + "\t" + escape(shownName(running, test))
                            + "\t" + escape(result.getThrowable().map(t -> String.valueOf(t.getMessage())).orElse("")));
                    return;
                }
                boolean ok = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL;
                if (!ok && token.isCancellationRequested()) {
                    // stopped by an earlier failure: what failed since is the cancellation's doing
                    return;
                }
                if (ok) {
                    passed.incrementAndGet();
                } else if (test.isTest()) {
                    failed.incrementAndGet();
                }
                String message = result.getThrowable().map(t -> describe(t, ownClasses)).orElse("");
                answers.println(PREFIX + "test " + (ok ? "passed" : test.isTest() ? "failed" : "class-failed")
                        + "\t" + escape(reportName(running, test)) + "\t" + escape(shownName(running, test))
                        + "\t" + escape(message));
                if (!ok && stopAtFirstFailure) {
                    token.cancel();
                }
            }

            @Override
            public synchronized void executionSkipped(TestIdentifier test, String reason) {
                say(slotOf(test), () -> {
                    if (test.isTest() && !token.isCancellationRequested()) {
                        answers.println(PREFIX + "test skipped\t" + escape(reportName(running, test)) + "\t"
                                + escape(shownName(running, test)) + "\t" + escape(reason));
                    }
                });
                finished(test);
            }
        };
        launcher.execute(LauncherExecutionRequestBuilder.request(plan)
                .listeners(listener).cancellationToken(token).build());
        current.set(null);
        answers.println(PREFIX + "done " + passed.get() + " " + failed.get() + " " + millis(start));
    }

    /** The name Surefire's report gives the test: class.method, or class.method(Types) display name. */
    static String reportName(TestPlan plan, TestIdentifier test) {
        String className = test.getSource().filter(MethodSource.class::isInstance)
                .map(s -> ((MethodSource) s).getClassName()).orElse("");
        String legacy = test.getLegacyReportingName();
        TestIdentifier parent = plan == null ? null : plan.getParent(test).orElse(null);
        if (parent != null && parent.getSource().filter(MethodSource.class::isInstance).isPresent()) {
            return className + "." + parent.getLegacyReportingName() + " " + test.getDisplayName();
        }
        return className + "." + (legacy.endsWith("()") ? legacy.substring(0, legacy.length() - 2) : legacy);
    }

    /** The name a learner reads: the test class, the test, and the case of a parameterized test. */
    static String shownName(TestPlan plan, TestIdentifier test) {
        List<String> names = new ArrayList<>();
        TestIdentifier at = test;
        while (at != null && plan != null && plan.getParent(at).isPresent()) {
            // a test method's parameter types say nothing to the learner; a case's display name does
            names.add(0, at.getDisplayName().replaceAll(at == test ? "\\(\\)$" : "\\([^()]*\\)$", ""));
            at = plan.getParent(at).orElse(null);
        }
        return String.join(" > ", names);
    }

    /** The message, and where in the learner's own code it was thrown, if it was. */
    static String describe(Throwable t, Set<String> ownClasses) {
        String message = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
        if (!(t instanceof AssertionError) && !t.getClass().getSimpleName().equals("Todo")) {
            message = t.getClass().getSimpleName() + ": " + message;
        }
        for (Throwable at = t; at != null; at = at.getCause()) {
            for (StackTraceElement frame : at.getStackTrace()) {
                if (ownClasses.contains(frame.getClassName().replaceAll("\\$.*", "")) && frame.getFileName() != null) {
                    return message + "\n(thrown at " + frame.getFileName() + ":" + frame.getLineNumber() + ")";
                }
            }
        }
        return message;
    }

    private boolean compile(List<Path> sourceRoots, List<Path> extraClasspath, Path out) throws IOException {
        deleteContents(out);
        Files.createDirectories(out);
        List<Path> sources = new ArrayList<>();
        for (Path sourceRoot : sourceRoots) {
            if (Files.isDirectory(sourceRoot)) {
                try (Stream<Path> walk = Files.walk(sourceRoot)) {
                    walk.filter(p -> p.toString().endsWith(".java")).forEach(sources::add);
                }
            }
        }
        if (sources.isEmpty()) {
            return true;
        }
        List<Path> classpath = new ArrayList<>(extraClasspath);
        classpath.addAll(dependencies);
        files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(out));
        files.setLocationFromPaths(StandardLocation.CLASS_PATH, classpath);
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(sources);
        boolean ok = javac.getTask(null, files, diagnostics,
                List.of("--release", "17", "-g", "-proc:none", "-implicit:none", "-encoding", "UTF-8", "-nowarn"),
                null, units).call();
        if (!ok) {
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() != Diagnostic.Kind.ERROR) {
                    continue;
                }
                String where = d.getSource() == null ? "" : root.relativize(Path.of(d.getSource().toUri())).toString()
                        .replace('\\', '/') + ":" + d.getLineNumber();
                answers.println(PREFIX + "compile-error " + escape(where) + "\t" + escape(d.getMessage(null)));
            }
        }
        return ok;
    }

    static Set<String> classNames(Path out) throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(out)) {
            walk.filter(p -> p.toString().endsWith(".class")).forEach(p -> names.add(
                    out.relativize(p).toString().replace('\\', '/').replace('/', '.').replaceAll("\\.class$", "").replaceAll("\\$.*", "")));
        }
        return names;
    }

    static void deleteContents(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.filter(p -> !p.equals(dir)).sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    static final String TRACE = System.getenv("KATA_TRACE");

    static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "").replace("\t", "\\t");
    }
}
