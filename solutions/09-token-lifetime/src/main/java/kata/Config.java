package kata;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import javax.crypto.SecretKey;

/**
 * Everything the app reads from its environment, read once at start:
 * {@code HOST} (default 127.0.0.1), {@code PORT} (default 3000, 0 picks a free port),
 * {@code IO_PORT} (default 3001, the Socket.IO server; 0 picks a free port),
 * {@code WEB_DIR} (default web/public, the page served at /) and {@code JWT_SECRET} (at least
 * 32 bytes; without it a random key is made, and tokens do not survive a restart), and
 * {@code PING_INTERVAL_MS} and {@code PING_TIMEOUT_MS} (default 25000 and 20000, as in Node's
 * Socket.IO): a connection that stops answering pings is dropped after their sum, and
 * {@code CONNECT_TIMEOUT_MS} (default 45000, Node's {@code connectTimeout}): how long a session may
 * stay open without completing an authenticated Socket.IO CONNECT, and {@code TOKEN_LIFETIME} (default
 * 3600, in seconds): how long a token from /login is valid, and so how long a connection opened with it lives;
 * a connection that its token ends (expired, logged out) is told why, and closed {@code ENDED_GRACE_MS} later
 * (default 500), so that a polling client fetches why before the close drops it.
 *
 * <p>Rate limits ({@link RateLimits}), each a number of requests per minute from one client address, or
 * for one username: {@code LOGIN_LIMIT_PER_USER} (default 10), {@code LOGIN_LIMIT_PER_ADDRESS} (120),
 * {@code LOGOUT_LIMIT_PER_ADDRESS} (60) and {@code HANDSHAKE_LIMIT_PER_ADDRESS} (300, Socket.IO handshakes).
 */
public record Config(String host, int port, int ioPort, Path webDir, SecretKey signingKey, boolean randomKey, Clock clock,
        Duration pingInterval, Duration pingTimeout, Duration connectTimeout, Duration tokenLifetime, Duration endedGrace, Limits limits) {

    /** How many requests per minute each key may make (see {@link RateLimits}). */
    public record Limits(int loginsPerUser, int loginsPerAddress, int logoutsPerAddress, int handshakesPerAddress) {
    }

    public static Config fromEnvironment(Map<String, String> env) {
        String secret = env.get("JWT_SECRET");
        boolean random = secret == null || secret.isEmpty();
        return new Config(
                env.getOrDefault("HOST", "127.0.0.1"),
                port(env, "PORT", 3000),
                port(env, "IO_PORT", 3001),
                Path.of(env.getOrDefault("WEB_DIR", "web/public")),
                random ? SigningKey.random() : SigningKey.fromSecret(secret),
                random,
                Clock.systemUTC(),
                millis(env, "PING_INTERVAL_MS", 25_000),
                millis(env, "PING_TIMEOUT_MS", 20_000),
                millis(env, "CONNECT_TIMEOUT_MS", 45_000),
                seconds(env, "TOKEN_LIFETIME", 3600),
                millis(env, "ENDED_GRACE_MS", 500),
                limits(env));
    }

    /**
     * Per minute. The defaults let a person use several tabs and reload at will, and a workshop room of 30
     * behind one NAT address log in four times a minute each, log out twice, and reconnect three tabs each
     * at once after a restart (90 handshakes). Password guessing is held back by the limit per username,
     * which no number of addresses gets around.
     */
    static Limits limits(Map<String, String> env) {
        return new Limits(
                perMinute(env, "LOGIN_LIMIT_PER_USER", 10),
                perMinute(env, "LOGIN_LIMIT_PER_ADDRESS", 120),
                perMinute(env, "LOGOUT_LIMIT_PER_ADDRESS", 60),
                perMinute(env, "HANDSHAKE_LIMIT_PER_ADDRESS", 300));
    }

    /** The same configuration with another clock: tests use a fixed one to check exact times. */
    public Config withClock(Clock other) {
        return new Config(host, port, ioPort, webDir, signingKey, randomKey, other, pingInterval, pingTimeout, connectTimeout, tokenLifetime,
                endedGrace, limits);
    }

    static Duration millis(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return Duration.ofMillis(fallback);
        }
        try {
            int millis = Integer.parseInt(value.trim());
            if (millis > 0) {
                return Duration.ofMillis(millis);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a number of milliseconds over 0, not \"" + value + "\"");
    }

    static Duration seconds(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return Duration.ofSeconds(fallback);
        }
        try {
            int seconds = Integer.parseInt(value.trim());
            if (seconds > 0) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a number of seconds over 0, not \"" + value + "\"");
    }

    static int perMinute(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int perMinute = Integer.parseInt(value.trim());
            if (perMinute > 0) {
                return perMinute;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a number of requests per minute over 0, not \"" + value + "\"");
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

    @Override
    public String toString() {
        // never print the key
        return "Config[host=" + host + ", port=" + port + ", ioPort=" + ioPort + ", webDir=" + webDir + ", randomKey=" + randomKey + "]";
    }
}
