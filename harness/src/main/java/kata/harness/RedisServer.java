package kata.harness;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} (from PATH) on a free port, for one test class: nothing saved to disk,
 * a folder of its own, stopped after the last test. A test may stop it and start it again on the same
 * port, to see what the app does while Redis is away.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final RedisServer redis = new RedisServer();
 * ...
 * env.put("REDIS_URL", redis.url());
 * </pre>
 *
 * Without redis-server the tests of the class are skipped, with the command that installs it; where
 * the environment variable CI is set they fail instead: CI must run them.
 */
public final class RedisServer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    /** How long a start or a stop may take: redis-server is up in a few milliseconds. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private Path folder;
    private int port;
    private Process process;

    /** What to say when there is no redis-server. */
    public static final String MISSING = "redis-server is not on PATH. Install it to run the tests of two nodes:"
            + " apt-get install redis-server (macOS: brew install redis)";

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        if (executable() == null) {
            skipOrFail(MISSING);
        }
        startOnFreePort();
    }

    /** Outside JUnit (the benchmark): a redis-server on a free port, stopped by {@link #close()}. */
    public static RedisServer started() throws IOException {
        if (executable() == null) {
            throw new IllegalStateException(MISSING);
        }
        RedisServer redis = new RedisServer();
        redis.startOnFreePort();
        return redis;
    }

    private void startOnFreePort() throws IOException {
        folder = Files.createTempDirectory("kata-redis");
        // the port is free when asked, and may be taken before redis-server binds it: then another one
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            try {
                start();
                return;
            } catch (IllegalStateException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
    }

    @Override
    public void close() throws IOException {
        stop();
        if (folder != null) {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    /** The address the app takes in REDIS_URL, e.g. redis://127.0.0.1:40123. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Starts redis-server (again) on this class's port, and waits until it answers PING. */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        List<String> command = List.of(executable(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", folder.toString(), "--logfile", folder.resolve("redis.log").toString());
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(folder.resolve("redis.out").toFile()).start();
            // a test run stopped early (Ctrl-C) leaves no redis-server behind
            Process started = process;
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "redis-server-stop"));
        } catch (IOException e) {
            throw new IllegalStateException("redis-server did not start: " + e.getMessage(), e);
        }
        try {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(10)).until(() -> !process.isAlive() || answersPing());
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("redis-server on port " + port + " did not answer PING within " + PATIENCE.toSeconds()
                    + " s. Its log: " + log());
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("redis-server on port " + port + " stopped at start. Its log: " + log());
        }
    }

    /** Stops redis-server at once, as a crash or a network cut would: clients see their connections close. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("redis-server on port " + port + " did not stop within " + PATIENCE.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Sends one command (e.g. "DBSIZE") and gives the first line of the answer, as redis-cli would. */
    public String command(String... words) {
        try (Socket socket = send(words)) {
            return readLine(socket.getInputStream());
        } catch (IOException e) {
            return "no answer: " + e.getMessage();
        }
    }

    /** Sends one command whose answer is a bulk string (e.g. "INFO", "commandstats") and gives that string whole. */
    public String bulk(String... words) {
        try (Socket socket = send(words)) {
            InputStream in = socket.getInputStream();
            String header = readLine(in);
            if (!header.startsWith("$")) {
                return header;
            }
            return new String(in.readNBytes(Integer.parseInt(header.substring(1))), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "no answer: " + e.getMessage();
        }
    }

    /** Sends one command whose answer is an array of strings (e.g. "KEYS", "*", or "PUBSUB", "CHANNELS") and gives them. */
    public List<String> strings(String... words) {
        try (Socket socket = send(words)) {
            InputStream in = socket.getInputStream();
            String header = readLine(in);
            if (!header.startsWith("*")) {
                throw new IllegalStateException(String.join(" ", words) + " answered " + header);
            }
            List<String> strings = new ArrayList<>();
            for (int i = Integer.parseInt(header.substring(1)); i > 0; i--) {
                int length = Integer.parseInt(readLine(in).substring(1));
                strings.add(new String(in.readNBytes(length), StandardCharsets.UTF_8));
                readLine(in);
            }
            return strings;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", words) + " got no answer: " + e.getMessage(), e);
        }
    }

    /** A connection of its own that has sent one command, in Redis's protocol (RESP). */
    private Socket send(String... words) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(1000);
            StringBuilder request = new StringBuilder("*" + words.length + "\r\n");
            for (String word : words) {
                request.append('$').append(word.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(word).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private boolean answersPing() {
        return command("PING").equals("+PONG");
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private String log() {
        try {
            Path log = folder.resolve("redis.log");
            Path out = folder.resolve("redis.out");
            return (Files.exists(log) ? Files.readString(log) : "") + (Files.exists(out) ? Files.readString(out) : "");
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** redis-server from PATH, or null. */
    static String executable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            for (String name : List.of("redis-server", "redis-server.exe")) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void skipOrFail(String why) {
        if (System.getenv("CI") != null) {
            Assertions.fail(why + ". CI is set, so these tests may not be skipped.");
        }
        // Maven counts a skip without saying why: the console does
        System.err.println("SKIPPED: " + why);
        Assumptions.abort(why);
    }
}
