package cli;

import static cli.Disk.HOME;
import static cli.Disk.relative;
import static cli.Main.OUT;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** ./kata reset NN and ./kata jump NN: the starting code put back, after showing what changes and asking. */
final class Reset {

    private Reset() {
    }

    static int reset(List<String> args) throws IOException {
        Step step = Steps.argument(args, "reset");
        return resetStep(step, args.contains("--yes")) ? 0 : 1;
    }

    /** Puts the starting code back, after showing which files change and asking; keeps a copy of them. */
    static boolean resetStep(Step step, boolean yes) throws IOException {
        Map<Path, String> starting = StartingCode.of(step);
        Map<Path, String> changed = StartingCode.changedFiles(step, starting);
        if (changed.isEmpty()) {
            OUT.println("Step " + step.number() + " is its starting code already: nothing to reset.");
            return true;
        }
        OUT.println("Resetting step " + step.number() + " puts its starting code back. These files change:");
        changed.forEach((rel, how) -> OUT.println("  " + relative(step.main().resolve(rel)) + "  (you " + how + " it; "
                + (how.equals("added") ? "it is removed" : "the starting code comes back") + ")"));
        Path backup = HOME.resolve("backup").resolve(step.name() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        OUT.println("A copy of your version goes to " + relative(backup) + " first.");
        if (!yes) {
            if (System.console() == null) {
                OUT.println("Nothing changed: no terminal to ask. To reset without asking: ./kata reset " + step.number() + " --yes");
                return false;
            }
            String answer = System.console().readLine("Reset step %s? [y/N] ", step.number());
            if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
                OUT.println("Nothing changed.");
                return false;
            }
        }
        for (Path rel : changed.keySet()) {
            Path file = step.main().resolve(rel);
            if (Files.isRegularFile(file)) {
                Path copy = backup.resolve(rel);
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            if (starting.containsKey(rel)) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, starting.get(rel), StandardCharsets.UTF_8);
            } else {
                Files.delete(file);
            }
        }
        State state = new State();
        state.put(step, "result", null);
        state.put(step, "tests", null);
        state.put(step, "at", null);
        state.save();
        OUT.println("Step " + step.number() + " is back to its starting code; your version is in " + relative(backup) + ".");
        return true;
    }

    /**
     * Starts at step NN. Each step's starting code already holds the solutions of the steps before it
     * (every step is a checkpoint), so nothing is copied: the earlier steps are marked skipped in
     * ./kata status, and step NN is put back to its starting code if it has edits (after asking).
     */
    static int jump(List<String> args) throws IOException {
        Step target = Steps.argument(args, "jump");
        if (!resetStep(target, args.contains("--yes"))) {
            return 1;
        }
        State state = new State();
        for (Step s : Steps.all()) {
            if (s.equals(target)) {
                break;
            }
            if (!"green".equals(state.get(s, "result"))) {
                state.put(s, "skipped", "true");
            }
        }
        state.put(target, "skipped", null);
        state.save();
        OUT.println();
        OUT.println("You start at step " + target.number() + ", " + target.title() + ". Its code already holds the steps before it.");
        Status.brief(target);
        OUT.println("  Then: ./kata watch " + target.number());
        return 0;
    }

    /**
     * ./kata restore NN [--yes]: the files of the step's last copy in .kata/backup/ (made by reset and
     * jump) put back in its src/main, after showing which and asking; the versions they replace are
     * copied to .kata/backup/NN-name-TIME-before-restore first (by hand, they can be copied back).
     */
    static int restore(List<String> args) throws IOException {
        Step step = Steps.argument(args, "restore");
        Path backups = HOME.resolve("backup");
        Path last = null;
        if (Files.isDirectory(backups)) {
            try (var dirs = Files.list(backups)) {
                last = dirs.filter(d -> d.getFileName().toString().matches(java.util.regex.Pattern.quote(step.name()) + "-\\d{8}-\\d{6}"))
                        .max(java.util.Comparator.naturalOrder()).orElse(null);
            }
        }
        if (last == null) {
            OUT.println("There is no copy of step " + step.number() + " in " + relative(backups) + ": ./kata reset " + step.number()
                    + " and ./kata jump keep one there before they change a file.");
            return 1;
        }
        List<Path> files = Disk.walk(last).stream().map(last::relativize).toList();
        OUT.println("Restoring step " + step.number() + " from " + relative(last) + " (its last copy) puts these files back:");
        files.forEach(rel -> OUT.println("  " + relative(step.main().resolve(rel))));
        Path before = backups.resolve(step.name() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-before-restore");
        OUT.println("A copy of the versions they replace goes to " + relative(before) + " first.");
        if (!args.contains("--yes")) {
            if (System.console() == null) {
                OUT.println("Nothing changed: no terminal to ask. To restore without asking: ./kata restore " + step.number() + " --yes");
                return 1;
            }
            String answer = System.console().readLine("Restore step %s? [y/N] ", step.number());
            if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
                OUT.println("Nothing changed.");
                return 1;
            }
        }
        for (Path rel : files) {
            Path file = step.main().resolve(rel);
            if (Files.isRegularFile(file)) {
                Files.createDirectories(before.resolve(rel).getParent());
                Files.copy(file, before.resolve(rel), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.createDirectories(file.getParent());
            Files.copy(last.resolve(rel), file, StandardCopyOption.REPLACE_EXISTING);
        }
        OUT.println("Step " + step.number() + " has your files of " + relative(last) + " again. Then: ./kata test " + step.number());
        return 0;
    }
}
