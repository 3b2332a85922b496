package cli;

import static cli.Disk.lines;
import static cli.Disk.read;
import static cli.Disk.relative;
import static cli.Disk.walk;
import static cli.Main.OUT;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** ./kata diff NN: the learner's code of a step against its reference solution, as a unified diff. */
final class Diff {

    private Diff() {
    }

    static int diff(List<String> args) {
        Step step = Steps.argument(args, "diff");
        Set<Path> files = new TreeSet<>();
        walk(step.main()).forEach(f -> files.add(step.main().relativize(f)));
        walk(step.solution()).forEach(f -> files.add(step.solution().relativize(f)));
        Map<Path, String> starting = StartingCode.of(step);
        int differing = 0;
        boolean keptTodo = false;
        for (Path rel : files) {
            Path mine = step.main().resolve(rel);
            Path theirs = step.solution().resolve(rel);
            List<String> all = Files.isRegularFile(mine) ? withoutTrailingBlank(lines(mine)) : List.of();
            // the learner's lines: without the starting code's TODO comments, which they did not write
            // (each line keeps its number in the file)
            Set<String> todo = Files.isRegularFile(theirs) ? Markers.stubComments(read(theirs)) : Set.of();
            List<String> a = new ArrayList<>();
            List<Integer> numbers = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                if (!todo.contains(all.get(i).trim())) {
                    a.add(all.get(i));
                    numbers.add(i + 1);
                }
            }
            // the reference as it would read in the step: the solution without the markers
            List<String> b = Files.isRegularFile(theirs) ? withoutTrailingBlank(Markers.solved(read(theirs))) : List.of();
            if (a.equals(b)) {
                continue;
            }
            differing++;
            OUT.println("--- " + relative(mine) + (Files.isRegularFile(mine) ? "" : " (missing)") + "   (yours)");
            OUT.println("+++ " + relative(theirs) + (Files.isRegularFile(theirs) ? "" : " (missing)") + "   (the reference)");
            printUnifiedDiff(a, b, numbers);
            keptTodo |= a.size() < all.size();
        }
        if (differing == 0) {
            OUT.println("Your code of step " + step.number() + " is the reference solution, line for line.");
        } else {
            boolean untouched = StartingCode.changedFiles(step, starting).isEmpty();
            OUT.println(differing + " file(s) differ" + (untouched ? " (you have not changed the starting code yet)" : "")
                    + ". Lines with - are yours, lines with + the reference's"
                    + (keptTodo ? " (the starting code's TODO comments left out)." : "."));
        }
        return 0;
    }

    static List<String> withoutTrailingBlank(List<String> lines) {
        int end = lines.size();
        while (end > 0 && lines.get(end - 1).isBlank()) {
            end--;
        }
        return lines.subList(0, end);
    }

    /** A unified diff with two lines of context. */
    static void printUnifiedDiff(List<String> a, List<String> b, List<Integer> numbers) {
        List<String> ops = editScript(a, b);
        int context = 2;
        int k = 0;
        while (k < ops.size()) {
            if (ops.get(k).charAt(0) == ' ') {
                k++;
                continue;
            }
            int start = Math.max(0, k - context);
            int end = k;
            int quiet = 0;
            while (end < ops.size() && quiet <= 2 * context) {
                quiet = ops.get(end).charAt(0) == ' ' ? quiet + 1 : 0;
                end++;
            }
            end = Math.min(ops.size(), end - Math.max(0, quiet - context));
            int indexA = (int) ops.subList(0, start).stream().filter(o -> o.charAt(0) != '+').count();
            int lineA = indexA < numbers.size() ? numbers.get(indexA) : numbers.isEmpty() ? 1 : numbers.get(numbers.size() - 1) + 1;
            int lineB = 1 + (int) ops.subList(0, start).stream().filter(o -> o.charAt(0) != '-').count();
            OUT.println("@@ line " + lineA + " (yours), line " + lineB + " (reference) @@");
            ops.subList(start, end).forEach(OUT::println);
            k = end;
        }
    }

    /** " line", "-line", "+line": from a longest common subsequence (the files are short). */
    static List<String> editScript(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> ops = new ArrayList<>(); // " line", "-line", "+line"
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.get(i).equals(b.get(j))) {
                ops.add(" " + a.get(i++));
                j++;
            } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
                ops.add("-" + a.get(i++));
            } else {
                ops.add("+" + b.get(j++));
            }
        }
        return ops;
    }
}
