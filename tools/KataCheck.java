import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One check of ./kata check, by name, on a bare JDK 17: {@code java tools/KataCheck.java generated}
 * (or generate [--force], carried, steps, snippets, quotes, handouts, integrity, cli). The checks are
 * the command line's (tools/cli/Check.java); this starts {@code java tools/Kata.java check NAME}.
 */
public class KataCheck {

    public static void main(String[] args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "tools/Kata.java", "check"));
        command.addAll(args.length == 0 ? List.of("usage") : List.of(args));
        System.exit(new ProcessBuilder(command).inheritIO().start().waitFor());
    }
}
