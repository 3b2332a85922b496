package cli;

/** A problem the person can fix, said in a sentence: no stack trace. */
final class Problem extends RuntimeException {
    Problem(String message) {
        super(message);
    }
}
