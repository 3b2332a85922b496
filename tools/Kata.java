import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * The kata's command line, started by a bare JDK 17: {@code java tools/Kata.java help}. The command line
 * itself is the package in tools/cli/ (cli.Main); this file compiles it into .kata/cli when a source is
 * newer than its classes (as the {@code kata} and {@code kata.cmd} launchers do), then runs it in a JVM of
 * its own, in this terminal, and ends with its exit code.
 */
public class Kata {

    static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");

    public static void main(String[] args) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path classes = root.resolve(".kata/cli");
        if (stale(root.resolve("tools/cli"), classes.resolve("stamp"))) {
            compile(root.resolve("tools/cli"), classes);
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", WINDOWS ? "java.exe" : "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dkata.compiled=current",
                // what ./kata run starts stops when this JVM is gone too (tools/cli/Tether.java)
                "-Dkata.wrapper=" + ProcessHandle.current().pid(), "-cp", classes.toString(), "cli.Main"));
        command.addAll(List.of(args));
        Process cli = new ProcessBuilder(command).inheritIO().start();
        // Ctrl-C reaches both JVMs (the terminal signals the whole foreground group): the command line
        // decides how to stop, and this one ends with its exit code; a TERM to this one alone stops it too
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> { });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (cli.isAlive()) {
                cli.destroy();
                try {
                    cli.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }));
        System.exit(cli.waitFor());
    }

    /** No classes yet, or a source newer than the stamp of the last compilation. */
    static boolean stale(Path sources, Path stamp) throws IOException {
        if (!Files.isRegularFile(stamp)) {
            return true;
        }
        FileTime compiled = Files.getLastModifiedTime(stamp);
        try (Stream<Path> files = Files.list(sources)) {
            for (Path source : files.toList()) {
                if (Files.getLastModifiedTime(source).compareTo(compiled) > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Compiles into a folder of its own, then puts it in place: a command started meanwhile sees old or new classes, never half of them. */
    static void compile(Path sources, Path classes) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            System.err.println("This Java has no compiler: install a JDK 17 or newer, not a JRE.");
            System.exit(1);
        }
        Path fresh = classes.resolveSibling("cli-" + ProcessHandle.current().pid());
        List<String> line = new ArrayList<>(List.of("-d", fresh.toString(), "--release", "17", "-nowarn", "-encoding", "UTF-8"));
        try (Stream<Path> files = Files.list(sources)) {
            files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(f -> line.add(f.toString()));
        }
        // its warnings (sun.misc.Signal is internal API) are no news to a learner: shown only with an error
        var said = new java.io.ByteArrayOutputStream();
        if (javac.run(null, said, said, line.toArray(String[]::new)) != 0) {
            System.err.print(said);
            System.err.println("The command line in " + sources + " does not compile (above).");
            System.exit(1);
        }
        Files.writeString(fresh.resolve("stamp"), "compiled from tools/cli/ by tools/Kata.java or a launcher\n");
        delete(classes);
        try {
            Files.move(fresh, classes, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // another command put its own in place first: the same sources, the same classes
            delete(fresh);
        }
    }

    static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
