package cli;

import static cli.Disk.HOME;
import static cli.Disk.ROOT;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * The kata's command line, for learners, facilitators and authors alike: its usage, and which class
 * does each command (README.md, "For the authors of the kata", shows where each part lives). The
 * launchers ({@code kata}, {@code kata.cmd}) compile this package (tools/cli/) once into .kata/cli,
 * again when a source is newer; {@code java tools/Kata.java} does the same on a bare JDK 17.
 *
 * <p>What it remembers (the last verdict of each step, the hints shown) lives in .kata/, which git
 * ignores. Nothing here overwrites a learner's code without showing what changes and asking first.
 */
public final class Main {

    static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    static final String USAGE = """
            usage: ./kata [status | watch [NN] | test NN [Class[#method]] | hint NN | diff NN | reset NN | restore NN
                          | jump NN | run [NN] | cluster [NN] [--no-sticky] | check | prepare [--into DIR | --from DIR]
                          | sync [--force] | bench [fanout | handshakes] | measure NN [saves] | room | join URL CODE [--name NAME] | leave]

            for learners
              status            where you stand: each step green, red or not started, and what to do next
              watch [NN]        run the step's tests now and on every save; the first failure, or green
              test NN [Class[#method]]   run the step's tests (or one class, or one test) once
              hint NN           the next hint of the step (1, then 2, then 3)
              diff NN           your code against the reference solution of the step
              reset NN          put the step's starting code back (shows what changes, asks first)
              restore NN        put back your files of the step's last reset (or jump), from .kata/backup/
              jump NN           start at step NN: the steps before it are marked skipped
              run [NN]          start the finished app on http://localhost:${PORT:-3000}, or your own step NN (04 on)
              cluster [NN] [--no-sticky]  two nodes of the finished app (or of your step NN, 10 on), a Redis of their own
                                and HAProxy in front on http://localhost:${PORT:-3000}, sticky on Socket.IO (--no-sticky: what breaks)
              join URL CODE [--name NAME]  in a workshop: each verdict goes to the facilitator's room (README says what)
              leave             stop sending verdicts to the room
            for everyone
              check             run every test, and prove that every step fails as shipped and passes when solved
              prepare           download everything once, then prove that the kata works offline
                --into DIR      plan B, on a machine with the network: fill DIR (a USB stick) with all of it
                --from DIR      plan B, on a laptop without: take all of it from DIR, then prove it works offline
              room              for a facilitator: open a room on this network, see every participant's progress live
            for the authors of the kata
              sync [--force]    write the steps' starting code from solutions/ (refuses to overwrite edits)
              bench [fanout | handshakes]  measure the finished app (BENCHMARK.md); fanout: only the fan-out to
                                thousands of connections, beside the Node server if NODE_PEER names it; handshakes:
                                logins and Socket.IO handshakes beside the Node server, driven by its load client
              measure NN [saves]  time from a save to the verdict of ./kata watch (BENCHMARK.md)
            """;

    /** The commands, as the switch of {@link #main} knows them (CommandChecks.recipes checks the documents against it). */
    static final java.util.Set<String> COMMANDS = java.util.Set.of("status", "watch", "test", "hint", "diff", "reset", "restore", "jump", "run",
            "cluster", "check", "prepare", "sync", "bench", "measure", "room", "join", "leave", "help");

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (stale()) {
            // a source changed since the launcher compiled this: tools/Kata.java compiles it again and runs it
            System.exit(Programs.runInherited(List.of(Programs.java(), "tools/Kata.java"), args));
        }
        List<String> arguments = new ArrayList<>(Arrays.asList(args));
        String command = arguments.isEmpty() ? "status" : arguments.remove(0);
        int exit;
        try {
            exit = switch (command) {
                case "status" -> Status.status();
                case "watch" -> Watch.watch(arguments);
                case "test" -> TestRun.test(arguments);
                case "hint" -> Hints.hint(arguments);
                case "diff" -> Diff.diff(arguments);
                case "reset" -> Reset.reset(arguments);
                case "jump" -> Reset.jump(arguments);
                case "restore" -> Reset.restore(arguments);
                case "run" -> RunApp.run(arguments);
                case "cluster" -> Cluster.cluster(arguments);
                case "check" -> arguments.isEmpty() ? Check.check() : Check.one(arguments.get(0), arguments.subList(1, arguments.size()));
                case "prepare" -> Prepare.prepare(arguments);
                case "sync" -> Sync.sync(arguments);
                case "bench" -> Prepare.bench(arguments);
                case "measure" -> Measure.measure(arguments);
                case "room" -> RoomStart.room(arguments);
                case "join" -> RoomLink.join(arguments);
                case "leave" -> RoomLink.leave();
                // started by a verdict in a JVM of its own, not waited for (RoomLink.detached)
                case "room-send" -> RoomLink.send();
                // for authors, not in the usage: java tools/Handouts.java [check] starts it
                case "handouts" -> Handouts.handouts(arguments);
                case "help", "-h", "--help" -> {
                    OUT.print(USAGE);
                    yield 0;
                }
                default -> {
                    System.err.print("unknown command: " + command + "\n" + USAGE);
                    yield 2;
                }
            };
        } catch (Problem p) {
            System.err.println(p.getMessage());
            exit = 1;
        }
        OUT.flush();
        System.exit(exit);
    }

    /**
     * Whether a source of tools/cli/ is newer than the classes the launcher compiled into .kata/cli (its
     * stamp says when). Classes compiled elsewhere, without that stamp, are taken as they are; so are
     * classes that the launcher has just found current ({@code -Dkata.compiled=current}: kata, not kata.cmd).
     */
    static boolean stale() throws IOException {
        if ("current".equals(System.getProperty("kata.compiled"))) {
            return false;
        }
        Path stamp = HOME.resolve("cli/stamp");
        if (!Files.isRegularFile(stamp)) {
            return false;
        }
        FileTime compiled = Files.getLastModifiedTime(stamp);
        Path dir = ROOT.resolve("tools/cli");
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> sources = Files.list(dir)) {
            return sources.anyMatch(s -> {
                try {
                    return Files.getLastModifiedTime(s).compareTo(compiled) > 0;
                } catch (IOException e) {
                    return true;
                }
            });
        }
    }
}
