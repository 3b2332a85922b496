package cli;

import static cli.Disk.ROOT;
import static cli.Main.OUT;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Both directions, test by test: every test fails on the starting code and passes on the solution (./kata check). */
final class Integrity {

    private Integrity() {
    }

    static int integrity() throws Exception {
        int problems = 0;
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        for (String step : Steps.names()) {
            Path module = ROOT.resolve("steps").resolve(step);
            Map<String, String> onStub = cases(module.resolve("target/surefire-reports"));
            Map<String, String> onSolution = cases(module.resolve("target/solution/surefire-reports"));
            List<String> complaints = new ArrayList<>();
            if (onSolution.isEmpty()) {
                complaints.add("no test ran against the solution (mvn test -pl steps/" + step + " -Psolution)");
            }
            if (onStub.isEmpty()) {
                complaints.add("no test ran against the starting code: does it compile? (mvn test -pl steps/" + step + ")");
            }
            onSolution.forEach((test, outcome) -> {
                if (!outcome.equals("passed")) {
                    complaints.add("on the solution, " + test + " " + outcome);
                }
            });
            onStub.forEach((test, outcome) -> {
                if (outcome.equals("passed")) {
                    complaints.add("on the starting code, " + test + " passes: a test that cannot fail teaches nothing");
                } else if (outcome.equals("skipped")) {
                    complaints.add("on the starting code, " + test + " is skipped");
                }
            });
            if (!onStub.isEmpty() && !onSolution.isEmpty() && !onStub.keySet().equals(onSolution.keySet())) {
                complaints.add("the two runs ran different tests: " + symmetricDifference(onStub.keySet(), onSolution.keySet()));
            }
            long solutionPasses = onSolution.values().stream().filter("passed"::equals).count();
            long stubFailures = onStub.values().stream().filter(o -> o.equals("failed") || o.equals("error")).count();
            passed += (int) solutionPasses;
            failed += onSolution.size() - (int) solutionPasses;
            OUT.printf("%-20s %3d tests: %3d fail on the starting code, %3d pass on the solution%s%n",
                    step, onSolution.size(), stubFailures, solutionPasses, complaints.isEmpty() ? "" : "  <-- PROBLEM");
            complaints.forEach(c -> OUT.println("    " + c));
            problems += complaints.size();
        }
        OUT.println(problems == 0
                ? "integrity: every step's tests fail on its starting code and pass on its solution"
                : "integrity: " + problems + " problem(s) above");
        // the harness's own tests and the finished app's (the browser test among them) count too
        for (Path reports : List.of(ROOT.resolve("harness/target/surefire-reports"), ROOT.resolve("app/target/solution/surefire-reports"))) {
            Map<String, String> cases = cases(reports);
            if (cases.isEmpty()) {
                OUT.println("no test report in " + ROOT.relativize(reports));
                problems++;
            }
            for (Map.Entry<String, String> c : cases.entrySet()) {
                if (c.getValue().equals("passed")) {
                    passed++;
                } else if (c.getValue().equals("skipped")) {
                    // the browser test, where no Chromium is installed (never under CI: there it fails)
                    skipped++;
                    OUT.println("    skipped: " + c.getKey());
                } else {
                    failed++;
                    problems++;
                    OUT.println("    " + c.getKey() + " " + c.getValue());
                }
            }
        }
        OUT.println("all tests: " + passed + " passed, " + failed + " failed" + (skipped > 0 ? ", " + skipped + " skipped" : ""));
        return problems;
    }

    static Set<String> symmetricDifference(Set<String> a, Set<String> b) {
        Set<String> diff = new TreeSet<>(a);
        diff.addAll(b);
        Set<String> both = new TreeSet<>(a);
        both.retainAll(b);
        diff.removeAll(both);
        return diff.stream().limit(5).collect(Collectors.toCollection(TreeSet::new));
    }

    static Map<String, String> cases(Path reports) throws Exception {
        Map<String, String> cases = new TreeMap<>();
        if (!Files.isDirectory(reports)) {
            return cases;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(reports)) {
            files = list.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml")).toList();
        }
        var factory = DocumentBuilderFactory.newInstance();
        for (Path file : files) {
            var doc = factory.newDocumentBuilder().parse(file.toFile());
            NodeList list = doc.getElementsByTagName("testcase");
            for (int i = 0; i < list.getLength(); i++) {
                Element testcase = (Element) list.item(i);
                String name = testcase.getAttribute("classname") + "." + testcase.getAttribute("name");
                String outcome = "passed";
                if (testcase.getElementsByTagName("failure").getLength() > 0) {
                    outcome = "failed";
                } else if (testcase.getElementsByTagName("error").getLength() > 0) {
                    outcome = "error";
                } else if (testcase.getElementsByTagName("skipped").getLength() > 0) {
                    outcome = "skipped";
                }
                cases.put(name, outcome);
            }
        }
        return cases;
    }
}
