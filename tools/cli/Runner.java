package cli;

import static cli.Disk.HOME;
import static cli.Disk.ROOT;
import static cli.Disk.relative;
import static cli.Programs.compile;
import static cli.Programs.java;

import cli.Verdict.TestResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** A JVM that runs one step's tests on demand: tools/KataRunner.java. */
final class Runner implements AutoCloseable {
    final Step step;
    final Process process;
    final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    final OutputStream commands;

    Runner(Step step) throws IOException {
        this.step = step;
        List<String> all = Classpaths.classpath(step.module(), "test");
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
        // the source roots as steps/pom.xml compiles them (Steps.sources), and the resources beside them
        String sources = Steps.sources(main).stream().map(Path::toString).collect(Collectors.joining(java.io.File.pathSeparator));
        send("run\t" + sources + "\t" + main.resolve("resources") + "\t" + (selection == null ? "-" : selection) + "\t" + stopAtFirstFailure);
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

    static Path log(Step step) {
        return HOME.resolve("logs").resolve(step.name() + ".log");
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
