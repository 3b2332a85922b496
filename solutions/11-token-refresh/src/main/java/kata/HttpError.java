package kata;

/**
 * A request the app refuses on purpose: the client gets {@code status} and {@code {"error": reason}},
 * never a stack trace.
 */
public class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public HttpError(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return getMessage();
    }
}
