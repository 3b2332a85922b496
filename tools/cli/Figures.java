package cli;

import static cli.Disk.ROOT;
import static cli.Disk.lines;
import static cli.Disk.read;
import static cli.Disk.relative;
import static cli.Disk.walk;
import static cli.Main.OUT;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The figures that the documents state, counted from the sources so that they cannot go stale: in a
 * document, {@code <!-- figure: NAME -->...<!-- /figure -->} holds the figure NAME, which
 * {@code java tools/Handouts.java} writes and ./kata check compares (after its run of the tests, whose
 * reports give the number of tests per step):
 *
 * <ul>
 *   <li>{@code steps-table}: per step, the words to read (its section of TUTORIAL.md and its README.md,
 *       outside code and comments), the lines of code TUTORIAL shows, the lines to write (the reference's
 *       lines between BEGIN SOLUTION and STUB that are neither blank nor comments), the files to edit
 *       (its manifest), its tests (each run of a parameterized test counted) and the minutes at 150 words
 *       and one line of reference code a minute;</li>
 *   <li>{@code plan-table}, {@code plan-01-07}: the agenda's slot of each step, coded, and of steps 01 to 07;</li>
 *   <li>{@code bugs} (written as a word), {@code questions}, {@code steps}, {@code tests}: the bugs written
 *       up in docs/netty-socketio-bugs.md, the questions answered in docs/facilitator/answers.md, the
 *       steps, and the tests of all the steps.</li>
 * </ul>
 */
final class Figures {

    static final Pattern FIGURE = Pattern.compile("(<!-- figure: ([a-z-]+) -->)(.*?)(<!-- /figure -->)", Pattern.DOTALL);
    static final List<String> DOCUMENTS = List.of("README.md", "TUTORIAL.md", "docs/netty-socketio-bugs.md",
            "docs/facilitator/README.md", "docs/facilitator/agenda.md", "docs/facilitator/answers.md");
    static final int WORDS_A_MINUTE = 150;

    private Figures() {
    }

    record StepFigures(Step step, int tutorialWords, int readmeWords, int codeShown, int toWrite, int files, int tests) {

        int minutes() {
            return Math.round((tutorialWords + readmeWords) / (float) WORDS_A_MINUTE) + toWrite;
        }

        /** A workshop's slot for the step, coded: 10 of talk and debrief, the minutes times 1.25, to 5; the first step 5 more. */
        int slot() {
            double raw = 10 + 1.25 * minutes() + (step.equals(Steps.all().get(0)) ? 5 : 0);
            return (int) (5 * Math.round(raw / 5));
        }
    }

    /** Writes the figures into the documents ({@code check}: says which are stale, and fails). */
    static int figures(boolean check) throws Exception {
        Map<String, String> values = values();
        if (values == null) {
            return 1;
        }
        List<String> stale = new ArrayList<>();
        for (String name : DOCUMENTS) {
            Path doc = ROOT.resolve(name);
            if (!Files.isRegularFile(doc)) {
                continue;
            }
            String text = read(doc).replace("\r\n", "\n");
            Matcher m = FIGURE.matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = values.get(m.group(2));
                if (value == null) {
                    OUT.println("figures: " + name + " names a figure that does not exist: " + m.group(2) + " (there are " + values.keySet() + ")");
                    return 1;
                }
                m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + value + m.group(4)));
            }
            m.appendTail(out);
            if (!out.toString().equals(text)) {
                stale.add(name);
                if (!check) {
                    Files.writeString(doc, out.toString(), StandardCharsets.UTF_8);
                }
            }
        }
        if (check && !stale.isEmpty()) {
            OUT.println("figures: " + String.join(", ", stale) + " state(s) figures that are no longer the sources':"
                    + " run `java tools/Handouts.java` and commit them");
            return 1;
        }
        OUT.println(check ? "figures: the documents state the figures of the sources" : stale.isEmpty() ? "figures: current" : "wrote the figures of " + String.join(", ", stale));
        return 0;
    }

    /**
     * Whether the test case {@code pkg.Class.name} (or {@code pkg.Outer$Inner.name}) has its class in the step's
     * sources; a test's name may hold dots of its own, so each prefix is tried.
     */
    private static boolean hasSource(Step step, String testCase) {
        for (int dot = testCase.indexOf('.'); dot > 0; dot = testCase.indexOf('.', dot + 1)) {
            String className = testCase.substring(0, dot);
            int nested = className.indexOf('$');
            String topLevel = nested < 0 ? className : className.substring(0, nested);
            if (Files.isRegularFile(step.dir().resolve("src/test/java").resolve(topLevel.replace('.', '/') + ".java"))) {
                return true;
            }
        }
        return false;
    }

    /** Every figure by name; null (and why) when the tests' reports are missing. */
    static Map<String, String> values() throws Exception {
        List<StepFigures> steps = new ArrayList<>();
        for (Step s : Steps.all()) {
            Path reports = s.dir().resolve("target/solution/surefire-reports");
            // a report of a test class that is no longer in the sources (renamed, or a local experiment) is not counted
            int tests = (int) Integrity.cases(reports).keySet().stream().filter(name -> hasSource(s, name)).count();
            if (tests == 0) {
                OUT.println("figures: no test reports in " + relative(reports) + ": the number of tests per step comes from them;"
                        + " run `mvn test -Psolution` (or ./kata check) first");
                return null;
            }
            steps.add(new StepFigures(s, words(tutorialSection(s)), words(lines(s.dir().resolve("README.md"))), codeLines(tutorialSection(s)),
                    linesToWrite(s), s.edit().size(), tests));
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("steps-table", table(steps));
        values.put("plan-table", plan(steps));
        values.put("plan-01-07", String.valueOf(steps.stream().filter(f -> f.step().number().compareTo("07") <= 0).mapToInt(StepFigures::slot).sum()));
        values.put("bugs", word(count(ROOT.resolve("docs/netty-socketio-bugs.md"), "^## \\d+\\. .*")));
        values.put("questions", String.valueOf(count(ROOT.resolve("docs/facilitator/answers.md"), "^\\*\\*\\d+\\..*")));
        values.put("steps", String.valueOf(steps.size()));
        values.put("tests", String.format(Locale.ROOT, "%,d", steps.stream().mapToInt(StepFigures::tests).sum()));
        return values;
    }

    static String table(List<StepFigures> steps) {
        StringBuilder t = new StringBuilder("\n| step | words to read (TUTORIAL + README) | code shown in TUTORIAL (lines) | lines to write"
                + " | files to edit | tests | read + write (min) |\n| --- | --- | --- | --- | --- | --- | --- |\n");
        for (StepFigures f : steps) {
            t.append(String.format(Locale.ROOT, "| %s %s | %,d + %,d | %d | %d | %d | %d | %d |%n", f.step().number(), f.step().title(),
                    f.tutorialWords(), f.readmeWords(), f.codeShown(), f.toWrite(), f.files(), f.tests(), f.minutes()));
        }
        return t.append('\n').toString();
    }

    static String plan(List<StepFigures> steps) {
        StringBuilder t = new StringBuilder("\n| step | read + write | × 1.25 | + talk and debrief (10) | slot, coded (to 5 min) |\n| --- | --- | --- | --- | --- |\n");
        for (StepFigures f : steps) {
            double paced = 1.25 * f.minutes();
            t.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f%s | **%d** |%n", f.step().number(), f.minutes(), paced, 10 + paced,
                    f.step().equals(Steps.all().get(0)) ? ", + 5 first loop" : "", f.slot()));
        }
        return t.append('\n').toString();
    }

    /** The step's section of TUTORIAL.md: from "## Step NN" to the next heading of that level. */
    static List<String> tutorialSection(Step step) {
        List<String> all = lines(ROOT.resolve("TUTORIAL.md"));
        List<String> section = new ArrayList<>();
        boolean in = false;
        for (String line : all) {
            if (line.startsWith("## ")) {
                in = line.startsWith("## Step " + step.number() + " ");
            }
            if (in) {
                section.add(line);
            }
        }
        return section;
    }

    /** Words outside code blocks and HTML comments. */
    static int words(List<String> lines) {
        int words = 0;
        boolean code = false;
        for (String line : lines) {
            if (line.trim().startsWith("```")) {
                code = !code;
                continue;
            }
            if (code || line.trim().startsWith("<!--")) {
                continue;
            }
            for (String w : line.trim().split("\\s+")) {
                if (w.codePoints().anyMatch(Character::isLetterOrDigit)) {
                    words++;
                }
            }
        }
        return words;
    }

    static int codeLines(List<String> lines) {
        int shown = 0;
        boolean code = false;
        for (String line : lines) {
            if (line.trim().startsWith("```")) {
                code = !code;
            } else if (code && !line.isBlank()) {
                shown++;
            }
        }
        return shown;
    }

    /** The reference's lines between BEGIN SOLUTION and STUB that are neither blank nor comments. */
    static int linesToWrite(Step step) {
        int lines = 0;
        for (Path f : walk(step.solution())) {
            boolean solution = false;
            for (String line : lines(f)) {
                String t = line.trim();
                if (t.equals(Markers.BEGIN)) {
                    solution = true;
                } else if (t.equals(Markers.STUB) || t.equals(Markers.END)) {
                    solution = false;
                } else if (solution && !t.isEmpty() && !t.startsWith("//") && !t.startsWith("*") && !t.startsWith("/*")) {
                    lines++;
                }
            }
        }
        return lines;
    }

    static int count(Path file, String regex) {
        return (int) lines(file).stream().filter(l -> l.matches(regex)).count();
    }

    static String word(int n) {
        String[] words = {"no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
            "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"};
        return n < words.length ? words[n] : String.valueOf(n);
    }
}
