package cli;

import static cli.Disk.HOME;
import static cli.Disk.ROOT;
import static cli.Disk.deleteRecursively;
import static cli.Main.OUT;
import static cli.Programs.exec;
import static cli.Programs.java;
import static cli.Programs.mavenCommand;
import static cli.Programs.npm;
import static cli.Programs.onPath;
import static cli.Programs.requireMaven;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** ./kata prepare: everything fetched once, then proved to work offline; and ./kata bench. */
final class Prepare {

    private Prepare() {
    }

    static int prepare() throws Exception {
        requireMaven();
        Check.section("Fetching what the kata needs: Maven's dependencies and plugins, the page's npm packages");
        List<String> mvn = new ArrayList<>(mavenCommand());
        // compiling everything fetches the dependencies and the build plugins; one step's tests fetch
        // Surefire's JUnit provider; exec:help the plugin ./kata bench uses
        mvn.addAll(List.of("test-compile", "-Psolution"));
        if (exec(mvn, ROOT, null) != 0) {
            return 1;
        }
        mvn = new ArrayList<>(mavenCommand());
        mvn.addAll(List.of("-q", "test", "-Psolution", "-pl", Steps.all().get(0).module()));
        if (exec(mvn, ROOT, null) != 0) {
            return 1;
        }
        mvn = new ArrayList<>(mavenCommand());
        mvn.addAll(List.of("-q", "-pl", "app", "exec:help"));
        if (exec(mvn, ROOT, null) != 0) {
            return 1;
        }
        List<String> modules = new ArrayList<>(Steps.all().stream().map(Step::module).toList());
        modules.add("app");
        Classpaths.resolveClasspaths(modules, "test", false);
        Classpaths.resolveClasspaths(modules, "runtime", false);
        Runner.compileRunner(Classpaths.classpath(Steps.all().get(0).module(), "test"));
        boolean npm = RunApp.webDependencies(true);

        Check.section("Proof: the same, with Maven offline (-o) and npm offline");
        List<String> offline = new ArrayList<>(mavenCommand());
        offline.addAll(List.of("-o", "test", "-Psolution"));
        boolean ok = exec(offline, ROOT, null) == 0;
        OUT.println(ok ? "offline: every step's tests and the finished app's pass with mvn -o" : "offline: mvn -o failed (above)");
        Classpaths.resolveClasspaths(modules, "runtime", true);
        boolean runs = runsOffline();
        OUT.println(runs ? "offline: ./kata run starts the finished app" : "offline: ./kata run did not start (above)");
        ok &= runs;
        if (npm && onPath(npm())) {
            Path proof = HOME.resolve("npm-offline");
            deleteRecursively(proof);
            Files.createDirectories(proof);
            for (String f : List.of("package.json", "package-lock.json")) {
                Files.copy(ROOT.resolve("web").resolve(f), proof.resolve(f));
            }
            boolean installs = exec(List.of(npm(), "ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"), proof, null) == 0;
            deleteRecursively(proof);
            OUT.println(installs ? "offline: npm ci --offline installs the page's client from npm's cache" : "offline: npm ci --offline failed");
            ok &= installs;
        } else {
            OUT.println("npm: not installed, so the page's client is missing; everything else works (install Node.js and npm, then prepare again)");
        }
        OUT.println(ok ? "prepared: the kata works without a network from now on" : "NOT prepared: see above");
        return ok ? 0 : 1;
    }

    /** Starts the finished app on free ports, as ./kata run does, waits for its line, and stops it. */
    static boolean runsOffline() throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), ROOT.resolve("tools/Kata.java").toString(), "run"));
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().put("PORT", "0");
        pb.environment().put("IO_PORT", "0");
        Process p = pb.start();
        boolean started = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            String line;
            while (System.nanoTime() < deadline && (line = in.readLine()) != null) {
                OUT.println("  | " + line);
                if (line.contains("application is running at")) {
                    started = true;
                    break;
                }
            }
        } finally {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
        }
        return started;
    }

    /**
     * bench: handshakes and events in one JVM, then the fan-out to thousands of connections; bench fanout: only
     * that; bench handshakes: logins and handshakes beside the Node server (NODE_PEER, LOAD_CLIENT).
     */
    static int bench(List<String> arguments) {
        requireMaven();
        List<String> mains = arguments.contains("fanout") ? List.of("kata.bench.Fanout")
                : arguments.contains("handshakes") ? List.of("kata.bench.Handshakes")
                : List.of("kata.bench.Benchmark", "kata.bench.Fanout");
        for (String main : mains) {
            List<String> mvn = new ArrayList<>(mavenCommand());
            mvn.addAll(List.of("-q", "-pl", "app", "test-compile", "exec:java", "-Dexec.classpathScope=test", "-Dexec.mainClass=" + main));
            int exit = exec(mvn, ROOT, null);
            if (exit != 0) {
                return exit;
            }
        }
        return 0;
    }
}
