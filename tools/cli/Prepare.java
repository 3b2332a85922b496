package cli;

import static cli.Disk.HOME;
import static cli.Disk.ROOT;
import static cli.Disk.copyTree;
import static cli.Disk.deleteRecursively;
import static cli.Disk.read;
import static cli.Disk.walk;
import static cli.Main.OUT;
import static cli.Programs.exec;
import static cli.Programs.java;
import static cli.Programs.mavenCommand;
import static cli.Programs.npm;
import static cli.Programs.onPath;
import static cli.Programs.requireMaven;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ./kata prepare: everything fetched once, then proved to work offline; plan B for a room without a
 * network ({@code --into DIR} on a machine with one, {@code --from DIR} on each laptop); and ./kata bench.
 */
final class Prepare {

    /** Where plan B's folder keeps Maven's repository and npm's cache. */
    static final String MAVEN_FOLDER = "m2";
    static final String NPM_FOLDER = "npm-cache";
    static final String NPM_REGISTRY = "npm-registry.txt";

    private Prepare() {
    }

    /** prepare's options: none (this laptop, with the network), {@code --into DIR} or {@code --from DIR}. */
    record Options(Path into, Path from) {

        static Options parse(List<String> args) {
            Path into = null;
            Path from = null;
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                if ((a.equals("--into") || a.equals("--from")) && i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                    Path dir = Path.of(args.get(++i)).toAbsolutePath().normalize();
                    if (a.equals("--into")) {
                        into = dir;
                    } else {
                        from = dir;
                    }
                } else {
                    throw new Problem("usage: ./kata prepare [--into DIR | --from DIR]\n"
                            + "  --into DIR   on a machine with the network: fill DIR (a USB stick) with everything the kata needs\n"
                            + "  --from DIR   on a laptop without: take everything from DIR, then prove that the kata works offline");
                }
            }
            if (into != null && from != null) {
                throw new Problem("./kata prepare takes --into DIR or --from DIR, not both.");
            }
            return new Options(into, from);
        }
    }

    static int prepare(List<String> args) throws Exception {
        Options options = Options.parse(args);
        if (options.from() != null && !Files.isDirectory(options.from().resolve(MAVEN_FOLDER))) {
            throw new Problem("There is no Maven repository in " + options.from().resolve(MAVEN_FOLDER)
                    + ": make the folder on a machine with the network, with ./kata prepare --into " + options.from());
        }
        requireMaven();
        if (options.from() != null) {
            return prepareFrom(options.from());
        }
        Path npmCache = null;
        if (options.into() != null) {
            Files.createDirectories(options.into());
            // every Maven invocation below, and those of the offline proof, use the folder's repository
            Programs.mavenRepository = options.into().resolve(MAVEN_FOLDER);
            npmCache = options.into().resolve(NPM_FOLDER);
            OUT.println("Filling " + options.into() + ": Maven's repository in " + MAVEN_FOLDER + "/, npm's cache in " + NPM_FOLDER + "/");
        }
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
        // the classpaths of ./kata watch, test and run: maven-dependency-plugin, as they ask for it
        Classpaths.resolveClasspaths(modules(), "test", false);
        Classpaths.resolveClasspaths(modules(), "runtime", false);
        Runner.compileRunner(Classpaths.classpath(Steps.all().get(0).module(), "test"));
        boolean npm = npmCache == null ? RunApp.webDependencies(true) : fillNpmCache(npmCache);
        boolean ok = proveOffline(npm, npmCache, null);
        if (options.into() != null) {
            // this laptop's own commands ask Maven again, for its own repository, rather than use the stick's
            deleteRecursively(HOME.resolve("classpath"));
            if (ok) {
                OUT.println("On each laptop, in its clone: ./kata prepare --from " + options.into()
                        + "   (or from a copy of the folder on its disk: a USB stick is slow to read)");
            }
        }
        return ok ? 0 : 1;
    }

    static List<String> modules() {
        List<String> modules = new ArrayList<>(Steps.all().stream().map(Step::module).toList());
        modules.add("app");
        return modules;
    }

    /**
     * Plan B on a participant's laptop: the folder's Maven repository copied into this laptop's (its
     * files kept, the folder's tracking files left out: Maven then takes the jars as installed here, so
     * that a mirror in settings.xml does not refuse them offline), npm's cache copied into .kata/, the
     * page's client installed from it, then the same proof as prepare's.
     */
    static int prepareFrom(Path from) throws Exception {
        Path repository = localRepository();
        Check.section("Copying " + from.resolve(MAVEN_FOLDER) + " into " + repository + " (your Maven repository; nothing of yours is replaced)");
        int copied = copyRepository(from.resolve(MAVEN_FOLDER), repository);
        OUT.println(copied + " files copied");
        Path npmCache = null;
        String registry = null;
        if (Files.isDirectory(from.resolve(NPM_FOLDER))) {
            npmCache = HOME.resolve(NPM_FOLDER);
            deleteRecursively(npmCache);
            copyTree(from.resolve(NPM_FOLDER), npmCache);
            registry = Files.isRegularFile(from.resolve(NPM_REGISTRY)) ? read(from.resolve(NPM_REGISTRY)).strip() : null;
        }
        boolean npm = false;
        if (npmCache != null && onPath(npm())) {
            npm = Files.isRegularFile(ROOT.resolve("web/node_modules/socket.io-client/dist/socket.io.min.js"))
                    || exec(npmCi(npmCache, true, registry), ROOT.resolve("web"), null) == 0;
        }
        // the cached classpaths may name another repository's jars
        deleteRecursively(HOME.resolve("classpath"));
        Classpaths.resolveClasspaths(modules(), "test", true);
        Runner.compileRunner(Classpaths.classpath(Steps.all().get(0).module(), "test"));
        return proveOffline(npm, npmCache, registry) ? 0 : 1;
    }

    /**
     * Copies a Maven repository into another, adding files and replacing none, without Maven's notes of
     * where each file came from (_remote.repositories, *.lastUpdated, resolver-status.properties); the
     * number of files copied.
     */
    static int copyRepository(Path from, Path to) throws IOException {
        int copied = 0;
        for (Path f : walk(from)) {
            String name = f.getFileName().toString();
            Path target = to.resolve(from.relativize(f).toString());
            if (name.equals("_remote.repositories") || name.endsWith(".lastUpdated") || name.equals("resolver-status.properties")
                    || Files.exists(target)) {
                continue;
            }
            Files.createDirectories(target.getParent());
            Files.copy(f, target);
            copied++;
        }
        return copied;
    }

    /** Every step's tests with Maven offline, ./kata run, npm ci offline: what prepare says before "prepared". */
    static boolean proveOffline(boolean npm, Path npmCache, String registry) throws Exception {
        Check.section("Proof: the same, with Maven offline (-o) and npm offline");
        List<String> offline = new ArrayList<>(mavenCommand());
        offline.addAll(List.of("-o", "test", "-Psolution"));
        boolean ok = exec(offline, ROOT, null) == 0;
        OUT.println(ok ? "offline: every step's tests and the finished app's pass with mvn -o" : "offline: mvn -o failed (above)");
        Classpaths.resolveClasspaths(modules(), "runtime", true);
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
            boolean installs = exec(npmCi(npmCache, true, registry), proof, null) == 0;
            deleteRecursively(proof);
            OUT.println(installs ? "offline: npm ci --offline installs the page's client from npm's cache" : "offline: npm ci --offline failed");
            ok &= installs;
        } else if (onPath(npm())) {
            OUT.println("npm: the page's client was not installed (above), so the page will say that it is missing");
            ok = false;
        } else {
            OUT.println("npm: not installed, so the page's client is missing; everything else works (install Node.js and npm, then prepare again)");
        }
        OUT.println(ok ? "prepared: the kata works without a network from now on" : "NOT prepared: see above");
        return ok;
    }

    /** npm ci of the page's client, from npm's own cache or the given one; offline, or fetching what the cache lacks. */
    static List<String> npmCi(Path cache, boolean offline) {
        return npmCi(cache, offline, null);
    }

    static List<String> npmCi(Path cache, boolean offline, String registry) {
        List<String> command = new ArrayList<>(List.of(npm(), "ci", offline ? "--offline" : "--prefer-online", "--ignore-scripts",
                "--no-audit", "--no-fund", "--loglevel=error"));
        if (cache != null) {
            command.add("--cache=" + cache);
        }
        if (registry != null && !registry.isBlank()) {
            command.add("--registry=" + registry.strip());
        }
        return command;
    }

    /** Plan B's npm cache: npm ci in a scratch folder (web/node_modules may be there already), into that cache. */
    static boolean fillNpmCache(Path cache) throws IOException {
        if (!onPath(npm())) {
            OUT.println("npm is not on PATH: the folder will hold no page client (install Node.js and npm, then prepare again)");
            return false;
        }
        Path scratch = HOME.resolve("npm-fill");
        deleteRecursively(scratch);
        Files.createDirectories(scratch);
        for (String f : List.of("package.json", "package-lock.json")) {
            Files.copy(ROOT.resolve("web").resolve(f), scratch.resolve(f));
        }
        boolean ok = exec(npmCi(cache, false), scratch, null) == 0;
        deleteRecursively(scratch);
        // npm's cache is keyed by the packages' addresses, which follow the registry npm is set to: a laptop
        // set to another (a company's) would miss every one offline (ENOTCACHED), so --from names this one
        StringBuilder registry = new StringBuilder();
        exec(List.of(npm(), "config", "get", "registry"), ROOT, HOME.resolve("npm-registry.log"), registry::append);
        Files.writeString(cache.resolveSibling(NPM_REGISTRY), registry.toString().strip() + "\n", StandardCharsets.UTF_8);
        return ok && RunApp.webDependencies(true);
    }

    /**
     * The local repository this laptop's Maven uses: -Dmaven.repo.local in MAVEN_OPTS, else
     * {@code <localRepository>} in ~/.m2/settings.xml, else ~/.m2/repository.
     */
    static Path localRepository() {
        Path home = Path.of(System.getProperty("user.home"));
        Matcher opt = Pattern.compile("-Dmaven\\.repo\\.local=(\"[^\"]+\"|\\S+)").matcher(Programs.env("MAVEN_OPTS", ""));
        if (opt.find()) {
            return Path.of(opt.group(1).replace("\"", "")).toAbsolutePath();
        }
        Path settings = home.resolve(".m2/settings.xml");
        if (Files.isRegularFile(settings)) {
            Matcher m = Pattern.compile("<localRepository>\\s*([^<]+?)\\s*</localRepository>").matcher(read(settings));
            if (m.find()) {
                return Path.of(m.group(1).replace("${user.home}", home.toString()));
            }
        }
        return home.resolve(".m2/repository");
    }

    /** Starts the finished app on free ports, as ./kata run does, waits for its line, and stops it. */
    static boolean runsOffline() throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), ROOT.resolve("tools/Kata.java").toString(), "run"));
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().put("PORT", "0");
        pb.environment().put("IO_PORT", "0");
        if (Programs.mavenRepository != null) {
            pb.environment().merge("MAVEN_OPTS", "-Dmaven.repo.local=" + Programs.mavenRepository, (a, b) -> a + " " + b);
        }
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
