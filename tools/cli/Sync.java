package cli;

import static cli.Disk.ROOT;
import static cli.Disk.lines;
import static cli.Disk.read;
import static cli.Disk.relative;
import static cli.Disk.walk;
import static cli.Main.OUT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** ./kata sync, for authors: a fix carried forward through the later solutions, then the starting code written. */
final class Sync {

    private Sync() {
    }

    static int sync(List<String> args) throws Exception {
        carry();
        return Check.one("generate", args);
    }

    /**
     * Carries an author's fix forward: for each file of a solution that differs from the last commit
     * (git), the same change is made to that file in every later solution, hunk by hunk, where the
     * lines it changes are found there unchanged. A later copy that the author edited too is left as
     * it is (its own change is carried on from there). What cannot be carried is named.
     */
    static void carry() {
        if (!Files.isDirectory(ROOT.resolve(".git")) && !Files.isRegularFile(ROOT.resolve(".git"))) {
            OUT.println("carry: not a git clone, so nothing tells what changed in solutions/; nothing carried");
            return;
        }
        List<Step> steps = Steps.all();
        Set<String> edited = new TreeSet<>();
        Map<String, String> committed = new TreeMap<>();
        for (Step s : steps) {
            for (Path f : walk(s.solution())) {
                String path = relative(f);
                String before = gitShow(path);
                if (before != null && !before.equals(read(f))) {
                    edited.add(path);
                    committed.put(path, before);
                }
            }
        }
        for (int i = 0; i < steps.size(); i++) {
            Step from = steps.get(i);
            for (Path f : walk(from.solution())) {
                String path = relative(f);
                if (!edited.contains(path)) {
                    continue;
                }
                List<Hunk> hunks = hunks(lines(committed.get(path)), lines(read(f)));
                Path rel = from.solution().relativize(f);
                for (Step later : steps.subList(i + 1, steps.size())) {
                    Path target = later.solution().resolve(rel);
                    String targetPath = relative(target);
                    if (!Files.isRegularFile(target) || edited.contains(targetPath)) {
                        break;
                    }
                    List<String> text = new ArrayList<>(lines(read(target)));
                    List<String> missed = new ArrayList<>();
                    for (Hunk h : hunks) {
                        if (!h.applyTo(text)) {
                            missed.add(String.join(" / ", h.removed().isEmpty() ? h.before() : h.removed()).strip());
                        }
                    }
                    try {
                        Files.writeString(target, String.join("\n", text), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    edited.add(targetPath);
                    committed.put(targetPath, gitShow(targetPath));
                    OUT.println("carried the change of " + path + " to " + targetPath
                            + (missed.isEmpty() ? "" : ", but for " + missed.size() + " place(s) that read differently there: make it by hand at " + missed));
                    if (!missed.isEmpty()) {
                        break;
                    }
                }
            }
        }
    }

    static String gitShow(String path) {
        try {
            Process p = new ProcessBuilder("git", "show", "HEAD:" + path).directory(ROOT.toFile()).redirectErrorStream(false).start();
            p.getErrorStream().close();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? text.replace("\r\n", "\n") : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** One change: the lines before it (context), the lines it removes and adds, the lines after it. */
    record Hunk(List<String> before, List<String> removed, List<String> added, List<String> after) {
        boolean applyTo(List<String> text) {
            List<String> old = new ArrayList<>(before);
            old.addAll(removed);
            old.addAll(after);
            int at = indexOfOnce(text, old);
            if (at >= 0) {
                List<String> replacement = new ArrayList<>(before);
                replacement.addAll(added);
                replacement.addAll(after);
                text.subList(at, at + old.size()).clear();
                text.addAll(at, replacement);
                return true;
            }
            // the lines around may differ from copy to copy; the changed lines alone, found once, will do
            at = removed.isEmpty() ? -1 : indexOfOnce(text, removed);
            if (at < 0) {
                return false;
            }
            text.subList(at, at + removed.size()).clear();
            text.addAll(at, added);
            return true;
        }

        static int indexOfOnce(List<String> text, List<String> block) {
            int found = -1;
            for (int i = 0; i + block.size() <= text.size(); i++) {
                if (text.subList(i, i + block.size()).equals(block)) {
                    if (found >= 0) {
                        return -1;
                    }
                    found = i;
                }
            }
            return found;
        }
    }

    static List<Hunk> hunks(List<String> a, List<String> b) {
        List<String> ops = Diff.editScript(a, b);
        List<Hunk> hunks = new ArrayList<>();
        int k = 0;
        while (k < ops.size()) {
            if (ops.get(k).charAt(0) == ' ') {
                k++;
                continue;
            }
            List<String> removed = new ArrayList<>();
            List<String> added = new ArrayList<>();
            int start = k;
            while (k < ops.size() && ops.get(k).charAt(0) != ' ') {
                (ops.get(k).charAt(0) == '-' ? removed : added).add(ops.get(k).substring(1));
                k++;
            }
            List<String> before = new ArrayList<>();
            for (int c = Math.max(0, start - 2); c < start; c++) {
                if (ops.get(c).charAt(0) == ' ') {
                    before.add(ops.get(c).substring(1));
                }
            }
            List<String> after = new ArrayList<>();
            for (int c = k; c < Math.min(ops.size(), k + 2) && ops.get(c).charAt(0) == ' '; c++) {
                after.add(ops.get(c).substring(1));
            }
            hunks.add(new Hunk(before, removed, added, after));
        }
        return hunks;
    }
}
