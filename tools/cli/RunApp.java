package cli;

import static cli.Disk.HOME;
import static cli.Disk.ROOT;
import static cli.Disk.deleteRecursively;
import static cli.Disk.read;
import static cli.Disk.walk;
import static cli.Main.OUT;
import static cli.Programs.compile;
import static cli.Programs.exec;
import static cli.Programs.java;
import static cli.Programs.npm;
import static cli.Programs.onPath;
import static cli.Programs.runInherited;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ./kata run [NN]: the finished app, or the learner's step, in a JVM of its own. */
final class RunApp {

    private RunApp() {
    }

    static int run(List<String> args) throws Exception {
        Path main;
        String module;
        String what;
        if (args.isEmpty()) {
            main = finishedApp();
            module = "app";
            what = "the finished app";
        } else {
            Step step = Steps.argument(args, "run");
            if (!step.runs()) {
                throw new Problem("Step " + step.number() + " has no Socket.IO server yet, and the page needs one: ./kata run NN works from step 04 on."
                        + " For the steps before, the tests and curl show the routes (see README).");
            }
            main = step.main();
            module = step.module();
            what = "your step " + step.number();
        }
        webDependencies(false);
        List<String> classpath = compiledApp(main, module, what, HOME.resolve("build").resolve("run"));
        // the app in a JVM of its own, started here rather than through Maven: Ctrl-C (or a TERM) stops
        // it through its shutdown hook, with no build tool in between to print an error
        // Ctrl-C reaches both JVMs (the terminal signals the whole foreground group): this one lets the app
        // stop by itself, then ends with its exit code, rather than dying of the signal (exit 130)
        int exit = runInherited(appCommand(classpath), new String[0], app -> OUT.println("./kata run: " + what + " runs as pid " + app.pid()
                + " (it stops with this command: Ctrl-C; kill -9 " + app.pid() + " ends it as a crash would)"));
        // 130 and 143: stopped by Ctrl-C or TERM, which is how it is meant to stop
        return exit == 130 || exit == 143 ? 0 : exit;
    }

    /** The sources of the finished app: app/pom.xml names the solution it is built from. */
    static Path finishedApp() {
        Matcher m = Pattern.compile("<kata.step>([^<]+)</kata.step>").matcher(read(ROOT.resolve("app/pom.xml")));
        String last = m.find() ? m.group(1) : Steps.all().get(Steps.all().size() - 1).name();
        return ROOT.resolve("solutions").resolve(last).resolve("src/main");
    }

    /** Compiles the app's sources into {@code classes}, and gives the classpath that runs it. */
    static List<String> compiledApp(Path main, String module, String what, Path classes) throws IOException {
        List<String> classpath = new ArrayList<>(Classpaths.classpath(module, "runtime"));
        deleteRecursively(classes);
        List<Path> sources = new ArrayList<>(Steps.sources(main).stream().flatMap(root -> walk(root).stream())
                .filter(p -> p.toString().endsWith(".java")).toList());
        // what ties the app to this command's JVM (appCommand)
        sources.add(ROOT.resolve("tools/cli/Tether.java"));
        try {
            compile(sources, classpath, classes);
        } catch (Problem p) {
            throw new Problem(what + " does not compile; ./kata test shows where.\n" + p.getMessage());
        }
        classpath.add(0, main.resolve("resources").toString());
        classpath.add(0, classes.toString());
        return classpath;
    }

    /**
     * The command that starts the app on this classpath (of {@link #compiledApp}), tied to this JVM and
     * to the one of tools/Kata.java that started it, if any (Tether): it stops when they are gone. The
     * parallel collector: no concurrent refinement threads, a fifth less CPU per delivery than G1 in the
     * fan-out benchmark (BENCHMARK.md); the same option as exec:exec in app/pom.xml and Fanout.
     */
    static List<String> appCommand(List<String> classpath) {
        String tether = String.valueOf(ProcessHandle.current().pid());
        String wrapper = System.getProperty("kata.wrapper");
        if (wrapper != null && !wrapper.isBlank()) {
            tether += "," + wrapper;
        }
        return List.of(java(), "-XX:+UseParallelGC", "-Dkata.tether=" + tether, "-cp", String.join(java.io.File.pathSeparator, classpath),
                "cli.Tether", "kata.App");
    }

    /** The page's JavaScript client, from npm (web/package-lock.json pins it). */
    static boolean webDependencies(boolean required) {
        if (!Files.isRegularFile(ROOT.resolve("web/package.json"))
                || Files.isRegularFile(ROOT.resolve("web/node_modules/socket.io-client/dist/socket.io.min.js"))) {
            return true;
        }
        if (!onPath(npm())) {
            System.err.println("npm is not on PATH: the page in web/ needs Node.js and npm to install its Socket.IO client.");
            System.err.println("The app still starts; the page will say that its client is missing.");
            return !required;
        }
        OUT.println("Installing the page's JavaScript dependencies (npm ci in web/)...");
        int exit = exec(List.of(npm(), "ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"), ROOT.resolve("web"), null);
        if (exit != 0) {
            System.err.println("npm ci failed (no network? ./kata prepare, the day before, fetches it once). The app still starts; the page will say that its client is missing.");
            return !required;
        }
        return true;
    }
}
