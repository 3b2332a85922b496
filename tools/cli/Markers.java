package cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The markers of a solution: in it, {@code // BEGIN SOLUTION} ... {@code // STUB} ... {@code // END SOLUTION}
 * marks what the learner writes. The starting code keeps what is outside the regions and the stub's
 * lines, uncommented once; the reference, as a learner would write it, keeps the solution's lines.
 */
final class Markers {

    static final String BEGIN = "// BEGIN SOLUTION";
    static final String STUB = "// STUB";
    static final String END = "// END SOLUTION";

    private Markers() {
    }

    /** Whether a file of a solution has a marked region: a file the learner edits. */
    static boolean marked(String text) {
        return text.contains(BEGIN);
    }

    /** The starting code of a solution's file: the solution's lines of each region dropped, the stub's uncommented. */
    static String strip(String text, Path name) {
        StringBuilder out = new StringBuilder();
        String state = "code";
        int lineNumber = 0;
        for (String line : text.split("\n", -1)) {
            lineNumber++;
            String trimmed = line.trim();
            if (trimmed.equals(BEGIN)) {
                require(state.equals("code"), name, lineNumber, "BEGIN SOLUTION inside a region");
                state = "solution";
                continue;
            }
            if (trimmed.equals(STUB)) {
                require(state.equals("solution"), name, lineNumber, "STUB outside a region");
                state = "stub";
                continue;
            }
            if (trimmed.equals(END)) {
                require(!state.equals("code"), name, lineNumber, "END SOLUTION outside a region");
                state = "code";
                continue;
            }
            switch (state) {
                case "code" -> out.append(line).append('\n');
                case "stub" -> {
                    int indent = line.indexOf(trimmed);
                    require(trimmed.startsWith("//"), name, lineNumber, "a STUB line must be commented out");
                    String uncommented = trimmed.startsWith("// ") ? trimmed.substring(3) : trimmed.substring(2);
                    out.append(line, 0, Math.max(indent, 0)).append(uncommented).append('\n');
                }
                default -> {
                    // the solution's own lines stay in the solution
                }
            }
        }
        require(state.equals("code"), name, lineNumber, "a region is not closed with END SOLUTION");
        out.setLength(out.length() - 1);
        return out.toString();
    }

    static void require(boolean condition, Path file, int line, String problem) {
        if (!condition) {
            throw new IllegalStateException(file + ":" + line + ": " + problem);
        }
    }

    /** A solution as it runs, and as the learner would write it: the marker lines and the stub's commented lines left out. */
    static List<String> solved(String text) {
        List<String> out = new ArrayList<>();
        eachLine(text, (line, inStub) -> {
            if (!inStub) {
                out.add(line);
            }
        });
        if (!out.isEmpty() && out.get(out.size() - 1).isEmpty()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    /**
     * The comments that the starting code's stubs hold (the TODO's explanation), trimmed: a learner who
     * keeps them did not write them, so ./kata diff leaves them out of "yours".
     */
    static java.util.Set<String> stubComments(String text) {
        java.util.Set<String> comments = new java.util.HashSet<>();
        eachLine(text, (line, inStub) -> {
            if (inStub) {
                String trimmed = line.trim();
                String uncommented = (trimmed.startsWith("// ") ? trimmed.substring(3) : trimmed.substring(2)).trim();
                if (uncommented.startsWith("//")) {
                    comments.add(uncommented);
                }
            }
        });
        return comments;
    }

    /** Each line of a solution that is not a marker, and whether it is one of a stub's commented lines. */
    private static void eachLine(String text, java.util.function.BiConsumer<String, Boolean> line) {
        boolean stub = false;
        for (String each : text.replace("\r\n", "\n").split("\n", -1)) {
            String trimmed = each.trim();
            if (trimmed.equals(BEGIN) || trimmed.equals(END)) {
                stub = false;
            } else if (trimmed.equals(STUB)) {
                stub = true;
            } else {
                line.accept(each, stub);
            }
        }
    }
}
