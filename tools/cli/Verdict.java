package cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What a run of a step's tests came to. */
final class Verdict {
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
        return results.stream().filter(r -> !r.outcome().equals("passed") && !r.outcome().equals("skipped")).findFirst();
    }

    /** The first test skipped (an assumption that does not hold here: no redis-server, no browser), if any. */
    Optional<TestResult> firstSkip() {
        return results.stream().filter(r -> r.outcome().equals("skipped")).findFirst();
    }

    record TestResult(String outcome, String reportName, String shownName, String message) {
    }
}
