import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The kata's integrity, checked without any library (run with {@code java tools/KataCheck.java}):
 *
 * <ul>
 *   <li>{@code generate}: writes each step's starting code from its solution. The solutions are the one
 *       source of truth; in them, {@code // BEGIN SOLUTION} ... {@code // STUB} ... {@code // END SOLUTION}
 *       marks what the learner writes: the lines before STUB are dropped, the commented lines after it
 *       are uncommented once.</li>
 *   <li>{@code generated}: fails when a step's starting code is not what {@code generate} would write.</li>
 *   <li>{@code snippets}: fails when a snippet of the Markdown that quotes a solution no longer matches it.</li>
 *   <li>{@code quotes}: fails when a failure message quoted in the Markdown can no longer be printed by the
 *       step it quotes (checked against the string literals of that step's code, tests and the harness),
 *       and when a step's README.md or HINTS.md is missing or not in the form that {@code ./kata} reads.</li>
 *   <li>{@code integrity}: reads the test reports of both runs, and fails unless every test of every step
 *       passes on the solution and fails on the starting code.</li>
 * </ul>
 */
public class KataCheck {

    static final String BEGIN = "// BEGIN SOLUTION";
    static final String STUB = "// STUB";
    static final String END = "// END SOLUTION";

    static final Path ROOT = Path.of("").toAbsolutePath();

    public static void main(String[] args) throws Exception {
        String command = args.length > 0 ? args[0] : "";
        int problems = run(command, List.of(args).subList(Math.min(1, args.length), args.length));
        System.exit(problems == 0 ? 0 : 1);
    }

    /** One command; the number of problems found (tools/Kata.java calls it too). */
    static int run(String command, List<String> args) throws Exception {
        return switch (command) {
            case "generate" -> generate(true, args.contains("--force"));
            case "generated" -> generate(false, false);
            case "carried" -> carried();
            case "snippets" -> snippets();
            case "quotes" -> quotes();
            case "integrity" -> integrity();
            default -> {
                System.err.println("usage: java tools/KataCheck.java generate [--force]|generated|carried|snippets|quotes|integrity");
                yield 2;
            }
        };
    }

    static List<String> steps() throws IOException {
        try (Stream<Path> dirs = Files.list(ROOT.resolve("solutions"))) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
        }
    }

    // ---------------------------------------------------------------- starting code from solutions

    /** The starting code of a step, file by file (relative to src/main): its solution without the marked regions. */
    static Map<Path, String> startingCode(String step) throws IOException {
        Path from = ROOT.resolve("solutions").resolve(step).resolve("src/main");
        Map<Path, String> expected = new TreeMap<>();
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                String stripped = file.toString().endsWith(".java") ? strip(text, from.relativize(file)) : text;
                expected.put(from.relativize(file), stripped);
            }
        }
        return expected;
    }

    /**
     * What generate last wrote, as hashes: tools/starting-code/NN-name.sha256. A file of the starting code
     * that matches neither the new starting code nor this record was edited by hand (a learner's work,
     * most likely): generate does not overwrite it without --force.
     */
    static Map<Path, String> lastGenerated(String step) throws IOException {
        Map<Path, String> hashes = new TreeMap<>();
        Path record = ROOT.resolve("tools/starting-code").resolve(step + ".sha256");
        if (Files.isRegularFile(record)) {
            for (String line : Files.readAllLines(record, StandardCharsets.UTF_8)) {
                String[] parts = line.trim().split("\\s+", 2);
                if (parts.length == 2) {
                    hashes.put(Path.of(parts[1]), parts[0]);
                }
            }
        }
        return hashes;
    }

    static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static int generate(boolean write, boolean force) throws IOException {
        int problems = 0;
        List<String> edited = new ArrayList<>();
        for (String step : steps()) {
            Path to = ROOT.resolve("steps").resolve(step).resolve("src/main");
            Map<Path, String> expected = startingCode(step);
            Map<Path, String> generated = lastGenerated(step);
            Set<Path> actual = new TreeSet<>();
            if (Files.isDirectory(to)) {
                try (Stream<Path> files = Files.walk(to)) {
                    files.filter(Files::isRegularFile).map(to::relativize).forEach(actual::add);
                }
            }
            // first, whether anything here is someone's work: then nothing of this step is written
            List<Path> mine = new ArrayList<>();
            for (Path file : actual) {
                String text = Files.readString(to.resolve(file), StandardCharsets.UTF_8);
                boolean current = text.equals(expected.get(file));
                boolean asGenerated = sha256(text).equals(generated.get(file));
                if (!current && !asGenerated) {
                    mine.add(file);
                }
            }
            if (write && !mine.isEmpty() && !force) {
                mine.forEach(f -> edited.add(ROOT.relativize(to.resolve(f)).toString().replace('\\', '/')));
                continue;
            }
            for (Map.Entry<Path, String> e : expected.entrySet()) {
                Path target = to.resolve(e.getKey());
                boolean same = Files.isRegularFile(target) && Files.readString(target, StandardCharsets.UTF_8).equals(e.getValue());
                if (!same) {
                    if (write) {
                        Files.createDirectories(target.getParent());
                        Files.writeString(target, e.getValue(), StandardCharsets.UTF_8);
                        System.out.println("wrote " + ROOT.relativize(target));
                    } else {
                        System.out.println("differs from its solution: " + ROOT.relativize(target));
                        problems++;
                    }
                }
            }
            for (Path extra : actual) {
                if (!expected.containsKey(extra)) {
                    Path target = to.resolve(extra);
                    if (write) {
                        Files.delete(target);
                        System.out.println("deleted " + ROOT.relativize(target));
                    } else {
                        System.out.println("has no counterpart in solutions/" + step + ": " + ROOT.relativize(target));
                        problems++;
                    }
                }
            }
            if (write) {
                StringBuilder record = new StringBuilder();
                expected.forEach((file, text) -> record.append(sha256(text)).append("  ")
                        .append(file.toString().replace('\\', '/')).append('\n'));
                Path file = ROOT.resolve("tools/starting-code").resolve(step + ".sha256");
                Files.createDirectories(file.getParent());
                if (!Files.isRegularFile(file) || !Files.readString(file, StandardCharsets.UTF_8).equals(record.toString())) {
                    Files.writeString(file, record.toString(), StandardCharsets.UTF_8);
                }
            }
        }
        if (!edited.isEmpty()) {
            System.out.println("Not written: these files of the starting code were edited by hand, and generating would overwrite them:");
            edited.forEach(f -> System.out.println("  " + f));
            System.out.println("If this is a learner's work, keep it (./kata reset NN puts one step back, after asking)."
                    + " If you write the kata and mean to throw these edits away: ./kata sync --force");
            problems += edited.size();
        }
        if (problems > 0 && !write) {
            System.out.println("The starting code of a step is not what its solution says it should be."
                    + " If you are working through the kata, that is your work, and this check is not for it:"
                    + " ./kata status and ./kata watch are. The check proves the kata as shipped, on a fresh clone."
                    + " (Authors of the kata: edit solutions/, then write the starting code from them.)");
        } else if (!write) {
            System.out.println("generated: every step's starting code is its solution without the marked regions");
        }
        return problems;
    }

    static String strip(String text, Path name) {
        StringBuilder out = new StringBuilder();
        String state = "code";
        int lineNumber = 0;
        for (String line : text.split("\n", -1)) {
            lineNumber++;
            String trimmed = line.trim();
            if (trimmed.equals(BEGIN)) {
                require(state.equals("code"), name, lineNumber, "BEGIN SOLUTION inside a region");
                state = "solution";
                continue;
            }
            if (trimmed.equals(STUB)) {
                require(state.equals("solution"), name, lineNumber, "STUB outside a region");
                state = "stub";
                continue;
            }
            if (trimmed.equals(END)) {
                require(!state.equals("code"), name, lineNumber, "END SOLUTION outside a region");
                state = "code";
                continue;
            }
            switch (state) {
                case "code" -> out.append(line).append('\n');
                case "stub" -> {
                    int indent = line.indexOf(trimmed);
                    require(trimmed.startsWith("//"), name, lineNumber, "a STUB line must be commented out");
                    String uncommented = trimmed.startsWith("// ") ? trimmed.substring(3) : trimmed.substring(2);
                    out.append(line, 0, Math.max(indent, 0)).append(uncommented).append('\n');
                }
                default -> {
                    // the solution's own lines stay in the solution
                }
            }
        }
        require(state.equals("code"), name, lineNumber, "a region is not closed with END SOLUTION");
        out.setLength(out.length() - 1);
        return out.toString();
    }

    static void require(boolean condition, Path file, int line, String problem) {
        if (!condition) {
            throw new IllegalStateException(file + ":" + line + ": " + problem);
        }
    }

    // ---------------------------------------------------------------- files carried from step to step

    /**
     * Each solution is a checkpoint that carries the previous one's files. solutions/NN-name/lesson.txt
     * lists the files (relative to src/main) that the step's lesson changes besides the ones it adds;
     * every other file must read as in the previous solution (markers aside), or a fix made to one
     * copy did not reach the others. A step without a lesson.txt is not checked.
     */
    static int carried() throws IOException {
        List<String> steps = steps();
        int problems = 0;
        int checked = 0;
        for (int i = 1; i < steps.size(); i++) {
            String before = steps.get(i - 1);
            String step = steps.get(i);
            Path lesson = ROOT.resolve("solutions").resolve(step).resolve("lesson.txt");
            if (!Files.isRegularFile(lesson)) {
                System.out.println("carried: solutions/" + step + " has no lesson.txt, so its carried files are not checked");
                continue;
            }
            Set<String> changes = new TreeSet<>();
            for (String line : Files.readAllLines(lesson, StandardCharsets.UTF_8)) {
                String name = line.replaceAll("#.*", "").trim();
                if (!name.isEmpty()) {
                    changes.add(name);
                }
            }
            Path from = ROOT.resolve("solutions").resolve(before).resolve("src/main");
            Path to = ROOT.resolve("solutions").resolve(step).resolve("src/main");
            try (Stream<Path> files = Files.walk(to)) {
                for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                    String name = to.relativize(file).toString().replace('\\', '/');
                    Path previous = from.resolve(to.relativize(file));
                    if (changes.contains(name) || !Files.isRegularFile(previous)) {
                        continue;
                    }
                    checked++;
                    if (!solved(Files.readString(previous, StandardCharsets.UTF_8)).equals(solved(Files.readString(file, StandardCharsets.UTF_8)))) {
                        System.out.println("drifted: solutions/" + step + "/src/main/" + name + " differs from solutions/" + before
                                + "/src/main/" + name + ", and solutions/" + step + "/lesson.txt does not list it as a change of the lesson:"
                                + " carry the fix to every copy (or list the file there)");
                        problems++;
                    }
                }
            }
            for (String name : changes) {
                if (!Files.isRegularFile(to.resolve(name))) {
                    System.out.println("solutions/" + step + "/lesson.txt lists " + name + ", which is not in solutions/" + step + "/src/main");
                    problems++;
                }
            }
        }
        problems += foreignRegions(steps);
        System.out.println("carried: " + checked + " files carried unchanged from one solution to the next, " + problems + " drifted");
        return problems;
    }

    /**
     * A step starts from the previous step's solution: a region of an earlier step left marked in a later
     * solution would hand the learner that earlier step's TODO again. Each region's stub names its step
     * ("TODO step 09", "step 09:"); it must be the solution's own.
     */
    static int foreignRegions(List<String> steps) throws IOException {
        Pattern named = Pattern.compile("(?:TODO |\")step (\\d\\d)\\b");
        int problems = 0;
        for (String step : steps) {
            Path main = ROOT.resolve("solutions").resolve(step).resolve("src/main");
            String number = step.substring(0, 2);
            try (Stream<Path> files = Files.walk(main)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                    boolean stub = false;
                    int lineNumber = 0;
                    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                        lineNumber++;
                        String trimmed = line.trim();
                        if (trimmed.equals(STUB)) {
                            stub = true;
                        } else if (trimmed.equals(END)) {
                            stub = false;
                        } else if (stub) {
                            Matcher m = named.matcher(trimmed);
                            if (m.find() && !m.group(1).equals(number)) {
                                System.out.println("solutions/" + step + "/src/main/" + main.relativize(file).toString().replace('\\', '/') + ":"
                                        + lineNumber + ": a region of step " + m.group(1) + " in step " + number + "'s solution: the step's"
                                        + " starting code would hand out step " + m.group(1) + "'s TODO again. Keep its solution lines, drop its markers.");
                                problems++;
                            }
                        }
                    }
                }
            }
        }
        return problems;
    }

    /** A solution's code as it runs: the marker lines and the commented stub lines left out. */
    static String solved(String text) {
        StringBuilder out = new StringBuilder();
        boolean stub = false;
        for (String line : text.replace("\r\n", "\n").split("\n", -1)) {
            String trimmed = line.trim();
            if (trimmed.equals(BEGIN) || trimmed.equals(END)) {
                stub = false;
            } else if (trimmed.equals(STUB)) {
                stub = true;
            } else if (!stub) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- snippets of TUTORIAL.md

    /**
     * In TUTORIAL.md, README.md, the steps' README.md and HINTS.md and docs/facilitator/, a snippet that
     * quotes the kata's code is introduced by an HTML comment naming its file:
     * {@code <!-- snippet: solutions/02-jwt-signing/src/main/java/kata/Tokens.java -->}, and is then
     * the next fenced code block. Every line of the block, but for a line "...", must appear in that
     * file, in the same order (indentation aside).
     */
    static int snippets() throws IOException {
        // a marker is a line of its own; a marker shown in a sentence, as in README.md, is no marker
        Pattern marker = Pattern.compile("\\s*<!--\\s*snippet:\\s*(\\S+)\\s*-->\\s*");
        int problems = 0;
        int checked = 0;
        for (Path doc : documents()) {
            String where = ROOT.relativize(doc).toString().replace('\\', '/');
            List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = marker.matcher(lines.get(i));
                if (!m.matches()) {
                    continue;
                }
                Path source = ROOT.resolve(m.group(1));
                int fence = i + 1;
                while (fence < lines.size() && !lines.get(fence).startsWith("```")) {
                    fence++;
                }
                List<String> block = new ArrayList<>();
                int j = fence + 1;
                while (j < lines.size() && !lines.get(j).startsWith("```")) {
                    block.add(lines.get(j));
                    j++;
                }
                checked++;
                if (!Files.isRegularFile(source)) {
                    System.out.println(where + ":" + (i + 1) + ": quotes " + m.group(1) + ", which does not exist");
                    problems++;
                    continue;
                }
                List<String> code = Files.readAllLines(source, StandardCharsets.UTF_8).stream().map(String::trim).toList();
                int at = 0;
                for (String quoted : block) {
                    String want = quoted.trim();
                    if (want.isEmpty() || want.equals("...") || want.equals("// ...")) {
                        continue;
                    }
                    int found = -1;
                    for (int k = at; k < code.size(); k++) {
                        if (code.get(k).equals(want)) {
                            found = k;
                            break;
                        }
                    }
                    if (found < 0) {
                        System.out.println(where + ":" + (i + 1) + ": the snippet from " + m.group(1)
                                + " no longer matches it at: " + want);
                        problems++;
                        break;
                    }
                    at = found + 1;
                }
                i = j;
            }
        }
        System.out.println("snippets: " + checked + " quoted in the Markdown, " + problems + " out of date");
        return problems;
    }

    // ---------------------------------------------------------------- quoted failure messages

    /** The Markdown a learner or a facilitator reads; the handouts are copies of the steps' READMEs. */
    static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>();
        for (String name : List.of("README.md", "TUTORIAL.md")) {
            if (Files.isRegularFile(ROOT.resolve(name))) {
                docs.add(ROOT.resolve(name));
            }
        }
        for (String step : steps()) {
            for (String name : List.of("README.md", "HINTS.md")) {
                Path doc = ROOT.resolve("steps").resolve(step).resolve(name);
                if (Files.isRegularFile(doc)) {
                    docs.add(doc);
                }
            }
        }
        Path facilitator = ROOT.resolve("docs/facilitator");
        if (Files.isDirectory(facilitator)) {
            try (Stream<Path> files = Files.walk(facilitator)) {
                files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
            }
        }
        return docs;
    }

    /**
     * A quoted failure message is a {@code ```text} block introduced by an HTML comment naming the step
     * that prints it: {@code <!-- quote: steps/04-handshake -->}. Without running a test, what can be
     * checked is that the text is made of what the code can print: the string literals of that step's
     * starting code, solution and tests, and of the harness. Every literal (a line of it, of at least
     * four characters) is found in the quote; what is left over is what the program fills in at run
     * time (a status, a name, a list). A stretch of more than three words left over is prose that no
     * literal holds any more: the quote has drifted. A {@code ```text} block without a marker fails too,
     * so that no quote escapes the check; a block that is not a quote uses a plain fence.
     */
    static int quotes() throws IOException {
        int documentProblems = stepDocuments();
        int problems = 0;
        Pattern marker = Pattern.compile("\\s*<!--\\s*quote:\\s*(\\S+)\\s*-->\\s*");
        int checked = 0;
        Map<String, List<String>> literalsByStep = new TreeMap<>();
        for (Path doc : documents()) {
            String where = ROOT.relativize(doc).toString().replace('\\', '/');
            List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
            String pending = null;
            int pendingLine = -1;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                Matcher m = marker.matcher(line);
                if (m.matches()) {
                    pending = m.group(1);
                    pendingLine = i;
                    continue;
                }
                if (!line.trim().startsWith("```")) {
                    if (!line.isBlank() && pending != null && i - pendingLine > 1) {
                        pending = null;
                    }
                    continue;
                }
                String info = line.trim().substring(3).trim();
                List<String> block = new ArrayList<>();
                int j = i + 1;
                while (j < lines.size() && !lines.get(j).trim().startsWith("```")) {
                    block.add(lines.get(j));
                    j++;
                }
                if (pending != null) {
                    checked++;
                    String step = pending.replaceAll("^(steps|solutions)/", "").replaceAll("/.*", "");
                    if (!Files.isDirectory(ROOT.resolve("solutions").resolve(step))) {
                        System.out.println(where + ":" + (pendingLine + 1) + ": quotes " + pending + ", which is no step");
                        problems++;
                    } else {
                        List<String> literals = literalsByStep.computeIfAbsent(step, KataCheck::literalsOf);
                        String leftOver = unexplained(String.join("\n", block), literals);
                        if (leftOver != null) {
                            System.out.println(where + ":" + (i + 1) + ": no test of " + step + " prints this any more: \""
                                    + leftOver + "\"");
                            problems++;
                        }
                    }
                } else if (info.equals("text")) {
                    System.out.println(where + ":" + (i + 1) + ": a ```text block without <!-- quote: steps/NN-name -->"
                            + " before it (a quoted message is checked; anything else takes a plain ``` fence)");
                    problems++;
                }
                pending = null;
                i = j;
            }
        }
        System.out.println("quotes: " + checked + " failure messages quoted in the Markdown, " + problems + " out of date");
        return problems + documentProblems;
    }

    /**
     * Every step has its short instructions and its hints in the form that {@code ./kata} reads:
     * README.md begins with "# Step NN — title", a blank line, "> Goal: ..." and one or more
     * "> Open: path" naming files that exist; HINTS.md has exactly the sections "## Hint 1", "## Hint 2"
     * and "## Hint 3", in that order.
     */
    static int stepDocuments() throws IOException {
        int problems = 0;
        for (String step : steps()) {
            String nn = step.substring(0, 2);
            Path dir = ROOT.resolve("steps").resolve(step);
            List<String> complaints = new ArrayList<>();
            Path readme = dir.resolve("README.md");
            if (!Files.isRegularFile(readme)) {
                complaints.add("has no README.md (its goal, the files to open, the command, a failure, ./kata hint " + nn + ")");
            } else {
                List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
                if (lines.isEmpty() || !lines.get(0).matches("# Step " + nn + " \u2014 \\S.*")) {
                    complaints.add("README.md does not begin with \"# Step " + nn + " \u2014 <title>\"");
                }
                if (lines.size() < 4 || !lines.get(1).isEmpty() || !lines.get(2).matches("> Goal: \\S.*")) {
                    complaints.add("README.md: a blank line and \"> Goal: <one line>\" must follow the title");
                }
                int opens = 0;
                // "> Open: " lines (the files the lesson changes), then "> Read: " lines (files to read, not change)
                for (int i = 3; i < lines.size() && (lines.get(i).startsWith("> Open: ") || lines.get(i).startsWith("> Read: ")); i++) {
                    opens += lines.get(i).startsWith("> Open: ") ? 1 : 0;
                    String path = lines.get(i).substring("> Open: ".length()).trim();
                    if (!Files.isRegularFile(ROOT.resolve(path))) {
                        complaints.add("README.md:" + (i + 1) + ": names " + path + ", which does not exist");
                    }
                }
                if (opens == 0) {
                    complaints.add("README.md: no \"> Open: <path from the repository's root>\" line after the goal");
                }
            }
            Path hints = dir.resolve("HINTS.md");
            if (!Files.isRegularFile(hints)) {
                complaints.add("has no HINTS.md (## Hint 1, ## Hint 2, ## Hint 3)");
            } else {
                List<String> sections = Files.readAllLines(hints, StandardCharsets.UTF_8).stream()
                        .filter(l -> l.startsWith("## ")).toList();
                if (!sections.equals(List.of("## Hint 1", "## Hint 2", "## Hint 3"))) {
                    complaints.add("HINTS.md has the sections " + sections + ", not exactly ## Hint 1, ## Hint 2, ## Hint 3");
                }
            }
            complaints.forEach(c -> System.out.println("steps/" + step + ": " + c));
            problems += complaints.size();
        }
        System.out.println("step documents: " + steps().size() + " steps, " + problems + " problem(s) with README.md or HINTS.md");
        return problems;
    }

    /** The longest stretch of the quote that no literal explains, if it holds more than three words. */
    static String unexplained(String quote, List<String> literals) {
        boolean[] covered = new boolean[quote.length()];
        for (String literal : literals) {
            for (int at = quote.indexOf(literal); at >= 0; at = quote.indexOf(literal, at + 1)) {
                java.util.Arrays.fill(covered, at, at + literal.length(), true);
            }
        }
        Pattern word = Pattern.compile("[A-Za-z]{2,}");
        String worst = null;
        int worstWords = 3;
        int start = 0;
        while (start < quote.length()) {
            if (covered[start]) {
                start++;
                continue;
            }
            int end = start;
            while (end < quote.length() && !covered[end]) {
                end++;
            }
            String run = quote.substring(start, end);
            int words = (int) word.matcher(run).results().count();
            if (words > worstWords) {
                worst = run.trim();
                worstWords = words;
            }
            start = end;
        }
        return worst;
    }

    /** Every line of every string literal in the step's code, tests and the harness, trimmed. */
    static List<String> literalsOf(String step) {
        List<Path> roots = List.of(ROOT.resolve("steps").resolve(step).resolve("src"),
                ROOT.resolve("solutions").resolve(step).resolve("src"), ROOT.resolve("harness/src/main"));
        Set<String> pieces = new TreeSet<>();
        for (Path root : roots) {
            if (!Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    for (String literal : stringLiterals(Files.readString(file, StandardCharsets.UTF_8))) {
                        for (String piece : literal.split("\n")) {
                            String p = piece.trim();
                            if (p.length() >= 4 && p.chars().anyMatch(Character::isLetterOrDigit)) {
                                pieces.add(p);
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        // longest first, so that a long literal is not split by a short one inside it
        List<String> sorted = new ArrayList<>(pieces);
        sorted.sort((a, b) -> b.length() - a.length());
        return sorted;
    }

    /** The string literals of a Java source (comments, character literals and text blocks skipped). */
    static List<String> stringLiterals(String source) {
        List<String> literals = new ArrayList<>();
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                i = source.indexOf('\n', i);
                i = i < 0 ? n : i;
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                i = end < 0 ? n : end + 3;
            } else if (c == '\'') {
                i++;
                while (i < n && source.charAt(i) != '\'') {
                    i += source.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
            } else if (c == '"') {
                StringBuilder literal = new StringBuilder();
                i++;
                while (i < n && source.charAt(i) != '"' && source.charAt(i) != '\n') {
                    char d = source.charAt(i);
                    if (d == '\\' && i + 1 < n) {
                        char e = source.charAt(i + 1);
                        switch (e) {
                            case 'n' -> literal.append('\n');
                            case 't' -> literal.append('\t');
                            case 'u' -> {
                                literal.append((char) Integer.parseInt(source.substring(i + 2, i + 6), 16));
                                i += 4;
                            }
                            default -> literal.append(e);
                        }
                        i += 2;
                    } else {
                        literal.append(d);
                        i++;
                    }
                }
                i++;
                literals.add(literal.toString());
            } else {
                i++;
            }
        }
        return literals;
    }

    // ---------------------------------------------------------------- both directions, per test

    record Case(String name, String outcome) {
    }

    static int integrity() throws Exception {
        int problems = 0;
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        for (String step : steps()) {
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
            System.out.printf("%-20s %3d tests: %3d fail on the starting code, %3d pass on the solution%s%n",
                    step, onSolution.size(), stubFailures, solutionPasses, complaints.isEmpty() ? "" : "  <-- PROBLEM");
            complaints.forEach(c -> System.out.println("    " + c));
            problems += complaints.size();
        }
        System.out.println(problems == 0
                ? "integrity: every step's tests fail on its starting code and pass on its solution"
                : "integrity: " + problems + " problem(s) above");
        // the harness's own tests and the finished app's (the browser test among them) count too
        for (Path reports : List.of(ROOT.resolve("harness/target/surefire-reports"), ROOT.resolve("app/target/solution/surefire-reports"))) {
            Map<String, String> cases = cases(reports);
            if (cases.isEmpty()) {
                System.out.println("no test report in " + ROOT.relativize(reports));
                problems++;
            }
            for (Map.Entry<String, String> c : cases.entrySet()) {
                if (c.getValue().equals("passed")) {
                    passed++;
                } else if (c.getValue().equals("skipped")) {
                    // the browser test, where no Chromium is installed (never under CI: there it fails)
                    skipped++;
                    System.out.println("    skipped: " + c.getKey());
                } else {
                    failed++;
                    problems++;
                    System.out.println("    " + c.getKey() + " " + c.getValue());
                }
            }
        }
        System.out.println("all tests: " + passed + " passed, " + failed + " failed" + (skipped > 0 ? ", " + skipped + " skipped" : ""));
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
