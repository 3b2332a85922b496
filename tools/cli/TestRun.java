package cli;

import static cli.Disk.relative;
import static cli.Main.OUT;

import cli.Verdict.TestResult;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** ./kata test NN: the step's tests once, and how a verdict is shown (./kata watch shows it the same way). */
final class TestRun {

    private TestRun() {
    }

    static int test(List<String> args) throws IOException {
        Step step = Steps.argument(args, "test");
        boolean solution = args.contains("--solution");
        List<String> plain = args.stream().filter(a -> !a.startsWith("--")).toList();
        String selection = plain.size() > 1 ? plain.get(1) : null;
        try (Runner runner = new Runner(step)) {
            Verdict v = runner.run(solution ? step.solution() : step.main(), selection, false, x -> { });
            if (!solution && selection == null) {
                State.record(step, v);
                RoomLink.here().verdict(Steps.all().stream().map(Step::name).toList(), step.name(), false);
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
            Steps.after(step).ifPresentOrElse(
                    next -> OUT.println("  Next: step " + next.number() + ", " + next.title() + ": ./kata watch " + next.number()),
                    () -> OUT.println("  That was the last step. See it all in a browser: ./kata run"));
            return;
        }
        Optional<TestResult> first = v.firstFailure();
        if (first.isEmpty() && v.firstSkip().isPresent()) {
            OUT.println("SKIPPED step " + n + (v.passed > 0 ? " (" + v.passed + " passed)" : "") + ": " + v.firstSkip().get().message().strip());
            return;
        }
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
        OUT.println("  Stuck? ./kata hint " + n + "    The app's log of this run: " + relative(Runner.log(step)));
    }
}
