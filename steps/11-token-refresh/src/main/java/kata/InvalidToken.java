package kata;

/** A token that proves nothing, and a short reason that is safe to show the client. */
public final class InvalidToken extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidToken(String reason) {
        super(reason, null, false, false);
    }

    public String reason() {
        return getMessage();
    }
}
