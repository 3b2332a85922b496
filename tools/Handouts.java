import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The printable handouts, on a bare JDK 17: {@code java tools/Handouts.java} writes
 * docs/handouts/handouts.html from the steps' README.md; {@code java tools/Handouts.java check} fails
 * when it is stale. The writer is the command line's (tools/cli/Handouts.java); this starts it through
 * {@code java tools/Kata.java}.
 */
public class Handouts {

    public static void main(String[] args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "tools/Kata.java", "handouts"));
        command.addAll(List.of(args));
        System.exit(new ProcessBuilder(command).inheritIO().start().waitFor());
    }
}
