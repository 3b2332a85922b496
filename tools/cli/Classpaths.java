package cli;

import static cli.Disk.HOME;
import static cli.Disk.ROOT;
import static cli.Disk.lines;
import static cli.Disk.read;
import static cli.Disk.sha256;
import static cli.Main.OUT;
import static cli.Programs.exec;
import static cli.Programs.mavenCommand;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Each module's classpath, resolved by Maven once and cached in .kata/classpath/ until a pom changes. */
final class Classpaths {

    private Classpaths() {
    }

    /**
     * The module's classpath in the given Maven scope ("test" or "runtime"), from .kata/classpath/ when
     * the poms have not changed since Maven was last asked.
     */
    static List<String> classpath(String module, String scope) {
        List<String> jars = cached(module, scope);
        if (jars != null) {
            return jars;
        }
        resolveClasspaths(List.of(module), scope, false);
        return splitClasspath(read(HOME.resolve("classpath").resolve(key(module, scope) + ".txt")));
    }

    /** Asks Maven once for the classpaths of those of these modules that .kata/classpath/ lacks (or has for other poms). */
    static void resolveMissing(List<String> modules, String scope) {
        List<String> missing = modules.stream().filter(module -> cached(module, scope) == null).toList();
        if (!missing.isEmpty()) {
            resolveClasspaths(missing, scope, false);
        }
    }

    /** The cached classpath, or null when there is none for the poms as they are, or one of its jars is gone. */
    private static List<String> cached(String module, String scope) {
        Path cached = HOME.resolve("classpath").resolve(key(module, scope) + ".txt");
        Path stampFile = HOME.resolve("classpath").resolve(key(module, scope) + ".stamp");
        if (Files.isRegularFile(cached) && Files.isRegularFile(stampFile) && read(stampFile).equals(pomStamp(module))) {
            List<String> jars = splitClasspath(read(cached));
            // a cleaned Maven repository (or another one) means asking again
            if (jars.stream().allMatch(j -> Files.exists(Path.of(j)))) {
                return jars;
            }
        }
        return null;
    }

    private static String key(String module, String scope) {
        return module.replace('/', '_') + "-" + scope;
    }

    static List<String> splitClasspath(String text) {
        return Arrays.stream(text.trim().split(java.io.File.pathSeparator)).filter(s -> !s.isBlank()).toList();
    }

    static void resolveClasspaths(List<String> modules, String scope, boolean offline) {
        OUT.println("Asking Maven for the classpath of " + String.join(", ", modules) + " (" + scope + "; once)...");
        String output = "target/kata-classpath-" + scope + ".txt";
        List<String> command = new ArrayList<>(mavenCommand());
        if (offline) {
            command.add("-o");
        }
        command.addAll(List.of("-q", "dependency:build-classpath", "-Dmdep.outputFile=" + output,
                "-Dmdep.includeScope=" + scope, "-pl", String.join(",", modules)));
        Path log = HOME.resolve("logs/classpath.log");
        try {
            Files.createDirectories(log.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (exec(command, ROOT, log, line -> { }) != 0) {
            lines(log).forEach(System.err::println);
            throw new Problem("Maven could not resolve the classpath (above). On a first run Maven needs the network; ./kata prepare fetches everything once.");
        }
        for (String module : modules) {
            String key = key(module, scope);
            Path dir = HOME.resolve("classpath");
            try {
                Files.createDirectories(dir);
                Files.writeString(dir.resolve(key + ".txt"), read(ROOT.resolve(module).resolve(output)), StandardCharsets.UTF_8);
                Files.writeString(dir.resolve(key + ".stamp"), pomStamp(module), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static String pomStamp(String module) {
        StringBuilder poms = new StringBuilder();
        for (Path pom : List.of(ROOT.resolve("pom.xml"), ROOT.resolve("steps/pom.xml"), ROOT.resolve(module).resolve("pom.xml"))) {
            if (Files.isRegularFile(pom)) {
                poms.append(read(pom));
            }
        }
        return sha256(poms.toString());
    }
}
