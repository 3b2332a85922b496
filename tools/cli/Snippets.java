package cli;

import static cli.Disk.ROOT;
import static cli.Main.OUT;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The snippets of the Markdown that quote a solution still match it (./kata check). */
final class Snippets {

    private Snippets() {
    }

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
                    OUT.println(where + ":" + (i + 1) + ": quotes " + m.group(1) + ", which does not exist");
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
                        OUT.println(where + ":" + (i + 1) + ": the snippet from " + m.group(1)
                                + " no longer matches it at: " + want);
                        problems++;
                        break;
                    }
                    at = found + 1;
                }
                i = j;
            }
        }
        OUT.println("snippets: " + checked + " quoted in the Markdown, " + problems + " out of date");
        return problems;
    }

    /** The Markdown a learner or a facilitator reads; the handouts are copies of the steps' READMEs. */
    static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>();
        for (String name : List.of("README.md", "TUTORIAL.md")) {
            if (Files.isRegularFile(ROOT.resolve(name))) {
                docs.add(ROOT.resolve(name));
            }
        }
        for (String step : Steps.names()) {
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
}
