package kata.harness;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The environment variables the tests give the app, as a person would give them to {@code ./kata run}. */
public final class TestEnv {

    /** The tests' JWT secret: 48 bytes, well over the 256 bits HS256 needs. */
    public static final String SECRET = "test-secret-of-the-kata-48-bytes-long-0123456789";

    /** Another secret of the same length, for tokens that must not verify. */
    public static final String OTHER_SECRET = "another-secret-nobody-trusts-48-bytes-0123456789";

    private TestEnv() {
    }

    public static Map<String, String> variables() {
        Map<String, String> env = new HashMap<>(Map.of(
                "HOST", "127.0.0.1",
                "PORT", "0",
                "IO_PORT", "0",
                "JWT_SECRET", SECRET,
                "WEB_DIR", root().resolve("web/public").toString()));
        env.putAll(generousLimits());
        return Map.copyOf(env);
    }

    /** These variables, with one more (or one replaced): {@code TestEnv.with(env, "ENDED_GRACE_MS", "100")}. */
    public static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> more = new HashMap<>(env);
        more.put(name, value);
        return Map.copyOf(more);
    }

    /**
     * Rate limits (step 09 on) that the tests and benchmarks never reach: they log in and connect hundreds
     * of times a minute, all from 127.0.0.1. RateLimitTest sets low ones of its own. Earlier steps ignore them.
     */
    public static Map<String, String> generousLimits() {
        String perMinute = "1000000";
        return Map.of(
                "LOGIN_LIMIT_PER_USER", perMinute,
                "LOGIN_LIMIT_PER_ADDRESS", perMinute,
                "LOGOUT_LIMIT_PER_ADDRESS", perMinute,
                "HANDSHAKE_LIMIT_PER_ADDRESS", perMinute);
    }

    public static byte[] secretBytes() {
        return SECRET.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Where a learner finds a file of the step under test, e.g. steps/04-handshake/src/main/java/kata/SocketAuth.java
     * (the tests run in the step's folder).
     */
    public static String stepFile(String fileName) {
        Path module = Path.of("").toAbsolutePath().normalize();
        Path relative = root().relativize(module);
        String step = relative.startsWith("steps") ? relative.toString().replace('\\', '/') : "steps/NN-name";
        return step + "/src/main/java/kata/" + fileName;
    }

    /** The repository's root folder, given by the build (see the surefire configuration). */
    public static Path root() {
        String root = System.getProperty("kata.root");
        return (root == null ? Path.of(".") : Path.of(root)).toAbsolutePath().normalize();
    }
}
