package cli;

import static cli.Disk.relative;
import static cli.Disk.walk;
import static cli.Main.OUT;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** ./kata watch [NN]: the step's tests on every save. */
final class Watch {

    /** The keys it reads (the handouts' command card shows them too). */
    static final String KEYS = "Keys: Enter runs the tests again, h then Enter shows the next hint, q then Enter quits.";

    private Watch() {
    }

    static int watch(List<String> args) throws Exception {
        Step step = args.stream().anyMatch(a -> !a.startsWith("--")) ? Steps.argument(args, "watch") : Status.currentStep();
        OUT.println("Step " + step.number() + ", " + step.title());
        Status.brief(step);
        OUT.println("Watching " + relative(step.main()) + ": every save runs the tests again.");
        OUT.println(KEYS);
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
                        State.record(step, v);
                        // to the room, if this laptop joined one: from a thread of this JVM, never waited for
                        RoomLink.here().verdict(Steps.all().stream().map(Step::name).toList(), step.name(), true);
                    }
                    OUT.println();
                    OUT.println("(" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss"))
                            + " waiting for a save; Enter runs again, h hint, q quit)");
                }
                String key = keys.poll(200, TimeUnit.MILLISECONDS);
                if (key != null) {
                    switch (key) {
                        case "q", "quit", "exit" -> {
                            OUT.println("Stopped watching step " + step.number() + ": ./kata watch " + step.number() + " to go on.");
                            return;
                        }
                        case "h", "hint" -> {
                            try {
                                Hints.hint(List.of(step.number()));
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
            Progress progress = new Progress(System.nanoTime());
            return runner.run(step.main(), null, true, v -> {
                // known at the first failure, or once every test has run (before the servers have stopped)
                boolean known = v.done || v.failed > 0 || v.allRun || !v.compileErrors.isEmpty();
                if (known && !shown[0]) {
                    shown[0] = true;
                    TestRun.printVerdict(step, v);
                    verdicts.accept(v);
                } else if (!known) {
                    progress.show(v, System.nanoTime());
                }
            });
        }
    }

    /**
     * While a long run is on its way, a line now and then that says how far it is: the tests passed so
     * far, and the test class at work. Nothing for a run that ends within the first second.
     */
    static final class Progress {

        static final long EVERY_NANOS = 1_000_000_000L;

        private final long start;
        private long shownAt;
        private int shownPassed = -1;

        Progress(long start) {
            this.start = start;
            this.shownAt = start;
        }

        void show(Verdict v, long now) {
            String line = line(v, now);
            if (line != null) {
                OUT.println(line);
            }
        }

        /** The line to show now, or null: at most one a second, and only when something has passed since. */
        String line(Verdict v, long now) {
            if (v.passed == 0 || now - start < EVERY_NANOS || now - shownAt < EVERY_NANOS || v.passed == shownPassed) {
                return null;
            }
            shownAt = now;
            shownPassed = v.passed;
            String at = v.results.isEmpty() ? "" : " (" + testClass(v.results.get(v.results.size() - 1).shownName()) + ")";
            // no "of N": the cases of a parameterized test are not in the plan until they run
            return "  " + v.passed + (v.passed == 1 ? " test" : " tests") + " passed so far" + at;
        }

        private static String testClass(String shownName) {
            int end = shownName.indexOf(" > ");
            return end < 0 ? shownName : shownName.substring(0, end);
        }
    }
}
