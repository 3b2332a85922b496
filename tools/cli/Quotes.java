package cli;

import static cli.Disk.ROOT;
import static cli.Main.OUT;

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
import java.util.stream.Stream;

/** The failure messages quoted in the Markdown can still be printed by the step they quote (./kata check). */
final class Quotes {

    private Quotes() {
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
        int problems = 0;
        Pattern marker = Pattern.compile("\\s*<!--\\s*quote:\\s*(\\S+)\\s*-->\\s*");
        int checked = 0;
        Map<String, List<String>> literalsByStep = new TreeMap<>();
        for (Path doc : Snippets.documents()) {
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
                        OUT.println(where + ":" + (pendingLine + 1) + ": quotes " + pending + ", which is no step");
                        problems++;
                    } else {
                        List<String> literals = literalsByStep.computeIfAbsent(step, Quotes::literalsOf);
                        String leftOver = unexplained(String.join("\n", block), literals);
                        if (leftOver != null) {
                            OUT.println(where + ":" + (i + 1) + ": no test of " + step + " prints this any more: \""
                                    + leftOver + "\"");
                            problems++;
                        }
                    }
                } else if (info.equals("text")) {
                    OUT.println(where + ":" + (i + 1) + ": a ```text block without <!-- quote: steps/NN-name -->"
                            + " before it (a quoted message is checked; anything else takes a plain ``` fence)");
                    problems++;
                }
                pending = null;
                i = j;
            }
        }
        OUT.println("quotes: " + checked + " failure messages quoted in the Markdown, " + problems + " out of date");
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
}
