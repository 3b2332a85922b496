package kata;

import java.util.List;
import java.util.Set;

/**
 * Where the app's page is served from, e.g. http://localhost:3000: the only sites whose browsers may
 * open a Socket.IO connection. Known once the HTTP server listens (its port may be chosen at start).
 */
public final class PageOrigins {

    private final String host;
    private volatile Set<String> origins = Set.of();

    public PageOrigins(String host) {
        this.host = host;
    }

    public void listeningOn(int httpPort) {
        origins = Set.copyOf(List.of("http://" + host + ":" + httpPort, "http://localhost:" + httpPort, "http://127.0.0.1:" + httpPort));
    }

    public boolean allows(String origin) {
        return origins.contains(origin);
    }
}
