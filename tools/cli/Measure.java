package cli;

import static cli.Disk.read;
import static cli.Disk.walk;
import static cli.Main.OUT;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** ./kata measure NN, for authors: the time from a save to the verdict of ./kata watch (BENCHMARK.md). */
final class Measure {

    private Measure() {
    }

    /**
     * Save to verdict, measured: solves the step's marked files and puts the starting code back, in turn,
     * as a learner saving would, with the watch loop running, and prints the median. The step's
     * starting code must be untouched; it is put back at the end.
     */
    static int measure(List<String> args) throws Exception {
        Step step = Steps.argument(args, "measure");
        int times = args.size() > 1 ? Integer.parseInt(args.get(1)) : 10;
        Map<Path, String> starting = StartingCode.of(step);
        if (!StartingCode.changedFiles(step, starting).isEmpty()) {
            throw new Problem("Step " + step.number() + " has edits; measure only on untouched starting code.");
        }
        List<Path> marked = new ArrayList<>();
        for (Path f : walk(step.solution())) {
            if (Markers.marked(read(f))) {
                marked.add(step.solution().relativize(f));
            }
        }
        List<Long> savesToVerdict = new ArrayList<>();
        BlockingQueue<String> keys = new LinkedBlockingQueue<>();
        long[] savedAt = {0};
        int[] count = {0};
        try (Runner runner = new Runner(step)) {
            Watch.Watcher watcher = new Watch.Watcher(step, runner);
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
}
