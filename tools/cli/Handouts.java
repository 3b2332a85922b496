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

/**
 * The printable handouts: a command card (from ./kata help), then one page per step, written from the
 * steps' README.md files and the step's questions in TUTORIAL.md, so that the instructions have one source ({@code java tools/Handouts.java} starts it):
 *
 * <ul>
 *   <li>no argument: writes docs/handouts/handouts.html, and the figures that the documents state (Figures);</li>
 *   <li>{@code check}: fails when the committed handouts are not what the READMEs give today (./kata check).</li>
 * </ul>
 *
 * Only the Markdown the READMEs use is understood: headings, the "> Goal:", "> Open:" and "> Read:" lines,
 * paragraphs, numbered and bulleted lists, fenced code, inline code, bold and links. HTML comments
 * (the markers that the integrity check reads) are left out.
 */
final class Handouts {

    private Handouts() {
    }
    static final Path OUTPUT = ROOT.resolve("docs/handouts/handouts.html");

    static int handouts(List<String> args) throws IOException {
        String html = render();
        if (!args.isEmpty() && args.get(0).equals("check")) {
            // a checkout that turned line endings into CRLF still holds the same handouts
            String committed = Files.isRegularFile(OUTPUT)
                    ? Files.readString(OUTPUT, StandardCharsets.UTF_8).replace("\r\n", "\n") : "";
            if (!committed.equals(html)) {
                OUT.println("handouts: " + ROOT.relativize(OUTPUT) + " is not what the steps' README.md give:"
                        + " run `java tools/Handouts.java` and commit it");
                return 1;
            }
            OUT.println("handouts: " + ROOT.relativize(OUTPUT) + " matches the steps' README.md");
            return 0;
        }
        if (!args.isEmpty()) {
            System.err.println("usage: java tools/Handouts.java [check]");
            return 2;
        }
        Files.createDirectories(OUTPUT.getParent());
        Files.writeString(OUTPUT, html, StandardCharsets.UTF_8);
        OUT.println("wrote " + ROOT.relativize(OUTPUT));
        // and the figures the documents state (Figures), from the same sources and the tests' reports
        try {
            return Figures.figures(false);
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /**
     * The first page: the learner's commands as ./kata help gives them (Main.USAGE, "for learners"), and
     * the keys of ./kata watch.
     */
    static String commandCard() {
        StringBuilder card = new StringBuilder("<section>\n<h1>The commands</h1>\n<p>In the kata's folder (Windows: <code>kata</code>"
                + " in place of <code>./kata</code>). Each step starts from the solution of the one before:"
                + " behind? <code>./kata jump NN</code>.</p>\n<table>\n");
        boolean learners = false;
        String command = null;
        StringBuilder what = new StringBuilder();
        for (String line : Main.USAGE.lines().toList()) {
            if (line.startsWith("for ")) {
                if (command != null) {
                    card.append(row(command, what.toString()));
                    command = null;
                }
                learners = line.equals("for learners");
                continue;
            }
            if (!learners || line.isBlank()) {
                continue;
            }
            Matcher m = Pattern.compile("^  (\\S.*?)(?:\\s{2,}(.*))?$").matcher(line);
            if (m.matches()) {
                if (command != null) {
                    card.append(row(command, what.toString()));
                }
                command = "./kata " + m.group(1).trim();
                what = new StringBuilder(m.group(2) == null ? "" : m.group(2).trim());
            } else {
                what.append(' ').append(line.trim());
            }
        }
        if (command != null) {
            card.append(row(command, what.toString()));
        }
        card.append("</table>\n<p>In <code>./kata watch</code>: ").append(escape(Watch.KEYS.substring(0, 1).toLowerCase(java.util.Locale.ROOT)
                + Watch.KEYS.substring(1))).append("</p>\n</section>\n");
        return card.toString();
    }

    static String row(String command, String what) {
        return "<tr><td><code>" + escape(command) + "</code></td><td>" + inline(what.replace("${PORT:-3000}", "3000")) + "</td></tr>\n";
    }

    /** The numbered questions under "### Check your understanding" in the step's section of TUTORIAL.md. */
    static List<String> questions(Step step) {
        List<String> section = Figures.tutorialSection(step);
        List<String> questions = new ArrayList<>();
        boolean in = false;
        for (String line : section) {
            if (line.startsWith("#")) {
                in = line.equals("### Check your understanding");
                continue;
            }
            if (in && line.trim().equals("---")) {
                break;
            }
            if (in) {
                questions.add(line);
            }
        }
        return questions;
    }

    static List<Path> readmes() {
        return Steps.all().stream().map(s -> s.dir().resolve("README.md")).filter(Files::isRegularFile).toList();
    }

    static String render() throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>Socket.IO with JSON Web Tokens: the steps</title>\n")
                .append("<!-- written by java tools/Handouts.java from ./kata help, steps/*/README.md and the questions of TUTORIAL.md: edit those, not this -->\n")
                .append("<style>\n")
                .append("body { font: 11pt/1.4 sans-serif; max-width: 46em; margin: 2em auto; }\n")
                .append("section { page-break-after: always; break-after: page; }\n")
                .append("pre { background: #f4f4f4; padding: .5em; white-space: pre-wrap; word-break: break-all; font-size: 9pt; }\n")
                .append("code { font-size: 95%; }\n")
                .append(".goal { border-left: 4px solid #888; padding-left: .8em; }\n")
                .append("td { vertical-align: top; padding: .15em .6em .15em 0; }\n")
                .append("</style>\n</head>\n<body>\n");
        out.append(commandCard());
        for (Step step : Steps.all()) {
            Path readme = step.dir().resolve("README.md");
            if (!Files.isRegularFile(readme)) {
                continue;
            }
            out.append("<section>\n");
            out.append(toHtml(Files.readAllLines(readme, StandardCharsets.UTF_8)));
            List<String> questions = questions(step);
            if (!questions.isEmpty()) {
                out.append("<h2>Check your understanding</h2>\n").append(toHtml(questions));
            }
            out.append("</section>\n");
        }
        // the last page: the feedback form of the wrap-up
        Path feedback = ROOT.resolve("docs/facilitator/feedback.md");
        if (Files.isRegularFile(feedback)) {
            out.append("<section>\n").append(toHtml(Files.readAllLines(feedback, StandardCharsets.UTF_8))).append("</section>\n");
        }
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    static String toHtml(List<String> lines) {
        StringBuilder out = new StringBuilder();
        List<String> paragraph = new ArrayList<>();
        String list = null;
        boolean inComment = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (inComment || line.trim().startsWith("<!--")) {
                inComment = !line.contains("-->");
                continue;
            }
            if (line.trim().startsWith("```")) {
                flush(out, paragraph);
                list = closeList(out, list);
                StringBuilder code = new StringBuilder();
                for (i++; i < lines.size() && !lines.get(i).trim().startsWith("```"); i++) {
                    code.append(escape(lines.get(i))).append('\n');
                }
                out.append("<pre><code>").append(code).append("</code></pre>\n");
                continue;
            }
            if (line.isBlank()) {
                flush(out, paragraph);
                list = closeList(out, list);
                continue;
            }
            Matcher heading = Pattern.compile("^(#{1,4}) (.*)$").matcher(line);
            if (heading.matches()) {
                flush(out, paragraph);
                list = closeList(out, list);
                int level = heading.group(1).length();
                out.append("<h").append(level).append('>').append(inline(heading.group(2)))
                        .append("</h").append(level).append(">\n");
                continue;
            }
            if (line.startsWith("> ")) {
                flush(out, paragraph);
                list = closeList(out, list);
                out.append("<p class=\"goal\">").append(inline(line.substring(2))).append("</p>\n");
                continue;
            }
            Matcher item = Pattern.compile("^(\\d+\\.|-) (.*)$").matcher(line);
            if (item.matches()) {
                flush(out, paragraph);
                String kind = item.group(1).equals("-") ? "ul" : "ol";
                if (!kind.equals(list)) {
                    closeList(out, list);
                    out.append('<').append(kind).append(">\n");
                    list = kind;
                }
                out.append("<li>").append(inline(item.group(2)));
                // a list item goes on over the indented lines that follow it
                while (i + 1 < lines.size() && lines.get(i + 1).startsWith("   ") && !lines.get(i + 1).isBlank()) {
                    out.append(' ').append(inline(lines.get(++i).trim()));
                }
                out.append("</li>\n");
                continue;
            }
            paragraph.add(line.trim());
        }
        flush(out, paragraph);
        closeList(out, list);
        return out.toString();
    }

    static void flush(StringBuilder out, List<String> paragraph) {
        if (!paragraph.isEmpty()) {
            out.append("<p>").append(inline(String.join(" ", paragraph))).append("</p>\n");
            paragraph.clear();
        }
    }

    static String closeList(StringBuilder out, String list) {
        if (list != null) {
            out.append("</").append(list).append(">\n");
        }
        return null;
    }

    /** Inline code, bold, emphasis and links (on paper, a link is its text and its target as a path). */
    static String inline(String text) {
        StringBuilder out = new StringBuilder();
        Matcher code = Pattern.compile("`([^`]*)`").matcher(text);
        int at = 0;
        while (code.find()) {
            out.append(prose(text.substring(at, code.start())));
            out.append("<code>").append(escape(code.group(1))).append("</code>");
            at = code.end();
        }
        out.append(prose(text.substring(at)));
        return out.toString();
    }

    static String prose(String text) {
        String html = escape(text);
        html = html.replaceAll("\\*\\*([^*]+)\\*\\*", "<strong>$1</strong>");
        html = html.replaceAll("\\*([^*]+)\\*", "<em>$1</em>");
        // on paper a link is its text, and its target as a path from the repository's root unless the text names it
        Matcher link = Pattern.compile("\\[([^\\]]+)\\]\\((?:\\.\\./\\.\\./)?([^)#]*)(#[^)]*)?\\)").matcher(html);
        StringBuilder out = new StringBuilder();
        while (link.find()) {
            String words = link.group(1);
            String target = link.group(2);
            link.appendReplacement(out, Matcher.quoteReplacement(words.contains(target) ? words : words + " (" + target + ")"));
        }
        link.appendTail(out);
        return out.toString();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
