package cli;

import static cli.Disk.ROOT;
import static cli.Disk.read;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * One step of the kata, as its manifest, steps/NN-name/step.properties, describes it: its title and goal,
 * the files to edit and to read, the files its lesson changes, what its tests need, and whether
 * {@code ./kata run NN} applies. The folders are steps/NN-name (starting code, tests, README.md,
 * HINTS.md) and solutions/NN-name (the reference).
 */
final class Step {

    private final String name;
    private Properties manifest;

    Step(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    /** steps/NN-name/step.properties, read when first asked: ./kata hint needs none of it. */
    synchronized Properties manifest() {
        if (manifest == null) {
            manifest = Steps.manifest(dir().resolve(Steps.MANIFEST));
        }
        return manifest;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Step s && s.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }

    String number() {
        return name.substring(0, 2);
    }

    Path dir() {
        return ROOT.resolve("steps").resolve(name);
    }

    Path main() {
        return dir().resolve("src/main");
    }

    Path solution() {
        return ROOT.resolve("solutions").resolve(name).resolve("src/main");
    }

    String module() {
        return "steps/" + name;
    }

    String title() {
        return manifest().getProperty("title", name.substring(3).replace('-', ' ')).strip();
    }

    Optional<String> goal() {
        return Optional.ofNullable(manifest().getProperty("goal")).map(String::strip).filter(g -> !g.isEmpty());
    }

    /** The files the learner edits, from the repository's root ("> Open:" in README.md). */
    List<String> edit() {
        List<String> edit = list("edit");
        if (!edit.isEmpty()) {
            return edit;
        }
        // until the manifest says: the files whose solution has a marked region
        return Disk.walk(solution()).stream().filter(f -> Markers.marked(Disk.read(f)))
                .map(f -> Disk.relative(main().resolve(solution().relativize(f)))).toList();
    }

    /** The files to read but not change ("> Read:" in README.md): what the step relies on. */
    List<String> read() {
        return list("read");
    }

    /** The files of src/main that the lesson changes besides those it adds: every other is carried unchanged. */
    List<String> lesson() {
        return list("lesson");
    }

    /** What the step's tests need besides a JDK and Maven: "redis" (step 10), for instance. */
    List<String> needs() {
        return list("needs");
    }

    /** Whether ./kata run NN applies: the page needs a Socket.IO server to talk to. */
    boolean runs() {
        return Boolean.parseBoolean(manifest().getProperty("run", "false").strip());
    }

    /** Whether ./kata cluster NN applies: its nodes share through Redis. */
    boolean clusters() {
        return needs().contains("redis");
    }

    /** The source roots of the step's main code: as steps/pom.xml compiles it, with plumbing/ (netty-socketio's workarounds). */
    List<Path> sources(boolean solution) {
        return Steps.sources(solution ? solution() : main());
    }

    private List<String> list(String key) {
        return Arrays.stream(manifest().getProperty(key, "").split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
