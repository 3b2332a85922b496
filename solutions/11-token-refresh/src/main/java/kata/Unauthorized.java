package kata;

/**
 * A request without a valid bearer token: 401 with {@code WWW-Authenticate: Bearer} (RFC 6750 §3),
 * which tells the client what kind of credentials the route wants.
 */
public final class Unauthorized extends HttpError {
    private static final long serialVersionUID = 1L;

    public Unauthorized(String reason) {
        super(401, reason);
    }
}
