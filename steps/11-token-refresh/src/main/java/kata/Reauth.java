package kata;

import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.listener.DataListener;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code reauth} event (step 11): a live connection sends a fresh access token, {@code {token}}, and
 * lives until that one expires instead of the one it connected with. The page sends it when the server
 * says {@code token_expiring}, with a token from {@code POST /refresh}. Answered with an ack:
 * {@code {"expiresAt": <ms>}}, or {@code {"error": <reason>}}, and then the connection ends with that reason.
 */
public final class Reauth implements DataListener<Object> {

    public static final String EVENT = "reauth";

    private final JwtStrategy strategy;
    private final TokenLifetimes lifetimes;

    public Reauth(JwtStrategy strategy, TokenLifetimes lifetimes) {
        this.strategy = strategy;
        this.lifetimes = lifetimes;
    }

    @Override
    public void onData(SocketIOClient client, Object data, AckRequest ack) {
        SignedIn current = client.get(Session.SIGNED_IN);
        if (current == null) {
            // not accepted, or ended already: nothing to renew
            return;
        }
        if (!(data instanceof Map<?, ?> payload && payload.get("token") instanceof String token)) {
            refuse(client, ack, "no token");
            return;
        }
        SignedIn fresh;
        try {
            // signed by us, for us, not expired, its user still there, not revoked
            fresh = strategy.signInWithToken(token);
        } catch (Unauthorized e) {
            refuse(client, ack, e.reason());
            return;
        }
        // TODO step 11: accept only a token of the same user and the same login (family) as the connection's
        // (else refuse "invalid token"), that expires no earlier than the current one (else "stale token"); then
        // lifetimes.renewed(client, fresh) and ack {"expiresAt": <ms>}.
        refuse(client, ack, "not implemented");
    }

    /** Says why in the ack, then ends the connection with that reason. */
    private void refuse(SocketIOClient client, AckRequest ack, String reason) {
        if (ack.isAckRequested()) {
            ack.sendAckData(Map.of("error", reason));
        }
        lifetimes.end(client, reason);
    }
}
