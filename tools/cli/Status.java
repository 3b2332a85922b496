package cli;

import static cli.Main.OUT;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** ./kata status: where the learner stands, and which step is next. */
final class Status {

    private Status() {
    }

    static int status() {
        State state = new State();
        List<Step> steps = Steps.all();
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
            } else if (result.equals("skipped")) {
                // its tests could not run here: not red, and what to install
                String passed = state.get(s, "tests") == null ? "0" : state.get(s, "tests").split("/")[0];
                shown = "skipped" + (passed.equals("0") ? "" : " (" + passed + " pass)") + ": " + state.get(s, "reason") + "  " + ago(state.get(s, "at"));
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
        String room = RoomLink.here().statusLine();
        if (room != null) {
            OUT.println(room);
            OUT.println();
        }
        if (next == null) {
            OUT.println("Every step is green. Compare your code with the reference: ./kata diff NN;");
            OUT.println("and see it all in a browser: ./kata run");
        } else {
            OUT.println("Next: step " + next.number() + ", " + next.title());
            brief(next);
            OUT.println("  Then: ./kata watch " + next.number() + "   (it runs the tests on every save; stuck? ./kata hint " + next.number() + ")");
        }
        // to the room, if this laptop joined one, once all is on the screen: from a JVM of its own, not waited for
        RoomLink.here().verdict(steps.stream().map(Step::name).toList(), (next == null ? steps.get(steps.size() - 1) : next).name(), false);
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

    /** The first step that is not green and not skipped, or the last. */
    static Step currentStep() {
        State state = new State();
        List<Step> steps = Steps.all();
        for (Step s : steps) {
            if (!"green".equals(state.get(s, "result")) && !"true".equals(state.get(s, "skipped"))) {
                return s;
            }
        }
        return steps.get(steps.size() - 1);
    }

    /** The step's goal, the files to open and the files to read, as its manifest says. */
    static void brief(Step step) {
        step.goal().ifPresent(g -> OUT.println("  Goal: " + g));
        step.edit().forEach(o -> OUT.println("  Open: " + o));
        step.read().forEach(r -> OUT.println("  Read: " + r));
    }
}
