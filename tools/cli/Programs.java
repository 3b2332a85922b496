package cli;

import static cli.Main.OUT;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/** The programs the command line starts (a JVM, javac, Maven, npm, git), and how it finds them. */
final class Programs {

    static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    private Programs() {
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", WINDOWS ? "java.exe" : "java").toString();
    }

    static void compile(List<Path> sources, List<String> classpath, Path out) throws IOException {
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new Problem("This Java has no compiler: install a JDK 17 or newer, not a JRE.");
        }
        List<String> options = new ArrayList<>(List.of("-d", out.toString(), "--release", "17", "-nowarn", "-proc:none",
                "-encoding", "UTF-8", "-g"));
        if (!classpath.isEmpty()) {
            options.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, classpath)));
        }
        var errors = new java.io.StringWriter();
        try (var files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(errors, files, null, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
            if (!ok) {
                throw new Problem("Does not compile:\n" + errors);
            }
        }
    }

    /**
     * Runs a program in this terminal and gives its exit code. Ctrl-C reaches it (the terminal signals
     * the whole foreground group) and it decides how to stop; a TERM to this JVM alone stops it too.
     */
    static int runInherited(List<String> command, String[] args) throws IOException, InterruptedException {
        return runInherited(command, args, process -> { });
    }

    /** The same, and {@code started} is told the program's process as soon as it runs. */
    static int runInherited(List<String> command, String[] args, Consumer<Process> started) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(command);
        line.addAll(List.of(args));
        Process process = new ProcessBuilder(line).directory(Disk.ROOT.toFile()).inheritIO().start();
        started.accept(process);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> { });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (process.isAlive()) {
                process.destroy();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "stop-the-command"));
        return process.waitFor();
    }

    static String env(String name, String otherwise) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? otherwise : value;
    }

    static String npm() {
        return WINDOWS ? "npm.cmd" : "npm";
    }

    /** Another local repository than this laptop's, for every Maven command (./kata prepare --into); null: Maven's own. */
    static Path mavenRepository;

    static List<String> mavenCommand() {
        List<String> command = new ArrayList<>(List.of(WINDOWS ? "mvn.cmd" : "mvn", "-B", "-ntp", "-Dstyle.color=never"));
        if (mavenRepository != null) {
            command.add("-Dmaven.repo.local=" + mavenRepository);
        }
        return List.copyOf(command);
    }

    static void requireMaven() {
        if (!onPath(WINDOWS ? "mvn.cmd" : "mvn")) {
            throw new Problem("mvn is not on PATH. Install Maven 3.8 or newer (for example: apt-get install maven, brew install maven, or scoop install maven).");
        }
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir).resolve(program))) {
                return true;
            }
        }
        return false;
    }

    static int exec(List<String> command, Path dir, Path log) {
        return exec(command, dir, log, line -> OUT.println(line));
    }

    /** Runs a program; its output goes to the terminal, or to a log file and, line by line, to {@code lines}. */
    static int exec(List<String> command, Path dir, Path log, Consumer<String> lines) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
            if (log == null) {
                pb.inheritIO();
                return pb.start().waitFor();
            }
            pb.redirectErrorStream(true);
            Process p = pb.start();
            try (var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
                    BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    out.write(line);
                    out.newLine();
                    lines.accept(line);
                }
            }
            return p.waitFor();
        } catch (IOException e) {
            throw new Problem("Cannot start " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    static int parse(String s, int otherwise) {
        try {
            return s == null ? otherwise : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
