package cli;

import static cli.Disk.ROOT;
import static cli.Disk.deleteRecursively;
import static cli.Disk.lines;
import static cli.Disk.relative;
import static cli.Disk.walk;
import static cli.Main.OUT;
import static cli.Programs.exec;
import static cli.Programs.mavenCommand;
import static cli.Programs.requireMaven;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * ./kata check: every test, and the proof that every step fails as shipped and passes when solved,
 * that the documents and the starting code are what the solutions say, and that the commands behave.
 */
final class Check {

    static final long STARTED = System.nanoTime();

    private Check() {
    }

    /** One check of ./kata check, by name (java tools/KataCheck.java NAME starts it too); the number of problems. */
    static int one(String name, List<String> args) throws Exception {
        return switch (name) {
            case "generate" -> Generate.generate(true, args.contains("--force"));
            case "generated" -> Generate.generate(false, false);
            case "carried" -> Carried.carried();
            case "snippets" -> Snippets.snippets();
            case "quotes" -> Quotes.quotes();
            case "steps" -> StepDocuments.stepDocuments();
            case "handouts" -> Handouts.handouts(List.of("check"));
            case "integrity" -> Integrity.integrity();
            case "cli" -> CommandChecks.transcript() ? 0 : 1;
            case "recipes" -> CommandChecks.recipes();
            case "figures" -> Figures.figures(true);
            case "tether" -> CommandChecks.runDiesWithLauncher() ? 0 : 1;
            default -> {
                System.err.println("usage: ./kata check [generate [--force]|generated|carried|snippets|quotes|steps|handouts|integrity|figures|cli|tether|recipes]");
                yield 2;
            }
        };
    }

    static int check() throws Exception {
        requireMaven();
        RunApp.webDependencies(false);
        Files.createDirectories(ROOT.resolve("target"));
        // reports of an earlier run must not stand in for this one
        for (Step s : Steps.all()) {
            deleteRecursively(s.dir().resolve("target/surefire-reports"));
            deleteRecursively(s.dir().resolve("target/solution/surefire-reports"));
        }
        section("The starting code of each step is its solution without the marked regions");
        if (one("generated", List.of()) != 0) {
            return 1;
        }
        section("Files carried from one solution to the next are the same, but for each step's lesson");
        if (one("carried", List.of()) != 0) {
            return 1;
        }
        section("Each step's manifest, README.md and HINTS.md, and steps/pom.xml, agree");
        if (one("steps", List.of()) != 0) {
            return 1;
        }
        section("The snippets, quoted messages and ./kata commands of the Markdown still match the kata; the handouts are current");
        if (one("snippets", List.of()) != 0 || one("quotes", List.of()) != 0 || one("handouts", List.of()) != 0
                || one("recipes", List.of()) != 0) {
            return 1;
        }
        section("No command overwrites edited starting code without asking");
        if (!CommandChecks.keepEdits()) {
            return 1;
        }
        section("The commands answer a learner as their transcript says (tools/test/CliTest.java)");
        if (!CommandChecks.transcript()) {
            return 1;
        }
        section("A clone with Windows line endings (git's core.autocrlf) still runs ./kata");
        if (!CommandChecks.crlfCloneRuns()) {
            return 1;
        }
        section("./kata run leaves no orphan: the app stops when its launcher is killed");
        if (!CommandChecks.runDiesWithLauncher()) {
            return 1;
        }
        section("Every test, against the solutions and the finished app");
        List<String> mvn = new ArrayList<>(mavenCommand());
        // two modules at a time: their tests mostly wait (for the network, a browser, a clock), each on its own
        // ports, Redis and app, and each waits for an event with a bound, so that a busier machine is slower, not wrong
        mvn.addAll(List.of("-T", "2", "test", "-Psolution"));
        if (exec(mvn, ROOT, null) != 0) {
            return 1;
        }
        Path log = ROOT.resolve("target/check-starting-code.log");
        section("Every step's tests against its starting code (they must all fail; log: " + relative(log) + ")");
        mvn = new ArrayList<>(mavenCommand());
        // the starting code fails fast, so its run may use both cores
        mvn.addAll(List.of("-T", "2", "test", "-pl", Steps.all().stream().map(Step::module).collect(Collectors.joining(",")),
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
        for (Step s : Steps.all()) {
            for (Path f : walk(s.dir().resolve("src/test"))) {
                if (f.getFileName().toString().contains(".received.")) {
                    Files.delete(f);
                }
            }
        }
        section("Both directions, test by test");
        if (one("integrity", List.of()) != 0) {
            return 1;
        }
        section("The figures the documents state are the sources' (the tests per step from this run's reports)");
        if (one("figures", List.of()) != 0) {
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
        // one Maven run for the classpaths of all the steps, not one per step
        Classpaths.resolveMissing(Steps.all().stream().map(Step::module).toList(), "test");
        for (Step step : Steps.all()) {
            try (Runner runner = new Runner(step)) {
                List<String> problems = new ArrayList<>();
                for (boolean solution : new boolean[] {false, true}) {
                    Map<String, String> maven = Integrity.cases(
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

    /** A heading, with the time since the command started: where a slow check spends its time. */
    static void section(String title) {
        OUT.println("== " + title + "  (at " + (System.nanoTime() - STARTED) / 1_000_000_000 + " s)");
    }
}
