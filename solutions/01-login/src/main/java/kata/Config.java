package kata;

import java.nio.file.Path;
import java.util.Map;

/**
 * Everything the app reads from its environment, read once at start:
 * {@code HOST} (default 127.0.0.1), {@code PORT} (default 3000, 0 picks a free port) and
 * {@code WEB_DIR} (default web/public, the page served at /).
 */
public record Config(String host, int port, Path webDir) {

    public static Config fromEnvironment(Map<String, String> env) {
        return new Config(
                env.getOrDefault("HOST", "127.0.0.1"),
                port(env, "PORT", 3000),
                Path.of(env.getOrDefault("WEB_DIR", "web/public")));
    }

    static int port(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a port number from 0 to 65535, not \"" + value + "\"");
    }
}
