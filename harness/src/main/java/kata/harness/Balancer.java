package kata.harness;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real load balancer, HAProxy (from PATH), in front of nodes of the app, on free ports, for one test
 * class; configured from {@code tools/haproxy.cfg}, as {@code ./kata cluster} starts it: round robin on
 * the HTTP port; on the Socket.IO port round robin too, and sticky by a cookie ({@value #COOKIE}, the
 * node's name) unless the test asks for none.
 *
 * <pre>
 * &#64;RegisterExtension
 * &#64;Order(3)
 * static final Balancer balancer = Balancer.sticky(() -&gt; List.of(Balancer.Node.of("A", nodeA), Balancer.Node.of("B", nodeB)));
 * </pre>
 *
 * Without haproxy the tests of the class are skipped, with the command that installs it; where the
 * environment variable CI is set they fail instead: CI must run them.
 */
public final class Balancer implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    /** What to say when there is no haproxy. */
    public static final String MISSING = "haproxy is not on PATH. Install it to run the tests behind a load balancer:"
            + " apt-get install haproxy (macOS: brew install haproxy)";

    /** The cookie that names the node of a sticky session. */
    public static final String COOKIE = "SERVERID";

    /** How long a start may take: haproxy listens within milliseconds. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    /** A node behind the balancer: its name (the sticky cookie's value) and its ports. */
    public record Node(String name, int httpPort, int ioPort) {
        public static Node of(String name, RunningApp<?> app) {
            return new Node(name, app.httpPort(), app.socketPort());
        }

        public static Node of(String name, NodeProcess node) {
            return new Node(name, node.httpPort(), node.ioPort());
        }
    }

    private final boolean sticky;
    private final Supplier<List<Node>> nodes;
    private boolean fixedPorts;
    private Path folder;
    private int httpPort;
    private int ioPort;
    private Process process;

    private Balancer(boolean sticky, Supplier<List<Node>> nodes) {
        this.sticky = sticky;
        this.nodes = nodes;
    }

    /** Sticky sessions on the Socket.IO port: what production needs for clients that start with polling. */
    public static Balancer sticky(Supplier<List<Node>> nodes) {
        return new Balancer(true, nodes);
    }

    /** Plain round robin on both ports, every request to the next node: what breaks polling. */
    public static Balancer roundRobin(Supplier<List<Node>> nodes) {
        return new Balancer(false, nodes);
    }

    /**
     * The balancer on these ports rather than on free ones of its own: the ports the nodes were told as
     * PUBLIC_PORT and PUBLIC_IO_PORT, for a page served through it (see {@link #freePort()}).
     */
    public Balancer onPorts(int httpPort, int ioPort) {
        this.httpPort = httpPort;
        this.ioPort = ioPort;
        fixedPorts = true;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        if (executable() == null) {
            skipOrFail(MISSING);
        }
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
    }

    private void start() throws IOException {
        folder = Files.createTempDirectory("kata-haproxy");
        List<Node> behind = nodes.get();
        if (fixedPorts) {
            run(behind);
            return;
        }
        // the ports are free when asked, and may be taken before haproxy binds them: then other ones
        for (int attempt = 1; ; attempt++) {
            httpPort = freePort();
            ioPort = freePort();
            try {
                run(behind);
                return;
            } catch (IllegalStateException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private void run(List<Node> behind) throws IOException {
        Path config = folder.resolve("haproxy.cfg");
        Files.writeString(config, config(template(), "127.0.0.1", httpPort, ioPort, sticky, behind), StandardCharsets.UTF_8);
        Path log = folder.resolve("haproxy.log");
        process = new ProcessBuilder(executable(), "-db", "-f", config.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // a test run stopped early (Ctrl-C) leaves no haproxy behind
        Process started = process;
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "haproxy-stop"));
        try {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(10))
                    .until(() -> !process.isAlive() || (accepts(httpPort) && accepts(ioPort)));
        } catch (ConditionTimeoutException e) {
            stopProcess();
            throw new IllegalStateException("haproxy did not listen on ports " + httpPort + " and " + ioPort + " within " + PATIENCE.toSeconds()
                    + " s. Its output: " + Files.readString(log));
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("haproxy stopped at start. Its output: " + Files.readString(log));
        }
    }

    /**
     * HAProxy's configuration: {@code tools/haproxy.cfg} with its blanks filled. {@code ./kata cluster}
     * fills the same blanks the same way (tools/cli/Cluster.java).
     */
    static String config(String template, String host, int httpPort, int ioPort, boolean sticky, List<Node> nodes) {
        return template.replace("${HOST}", host)
                .replace("${PORT}", String.valueOf(httpPort))
                .replace("${IO_PORT}", String.valueOf(ioPort))
                .replace("${HTTP_SERVERS}", servers(nodes, Node::httpPort, false))
                .replace("${STICKY}", sticky ? "    cookie " + COOKIE + " insert indirect nocache" : "    # no stickiness: each request to the next node")
                .replace("${IO_SERVERS}", servers(nodes, Node::ioPort, sticky));
    }

    /** "    server A 127.0.0.1:40123 cookie A", one line per node. */
    private static String servers(List<Node> nodes, ToIntFunction<Node> port, boolean cookie) {
        return nodes.stream()
                .map(node -> "    server " + node.name() + " 127.0.0.1:" + port.applyAsInt(node) + (cookie ? " cookie " + node.name() : ""))
                .collect(Collectors.joining("\n"));
    }

    private static String template() throws IOException {
        return Files.readString(TestEnv.root().resolve("tools/haproxy.cfg"), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        stopProcess();
        if (folder != null) {
            try (Stream<Path> files = Files.walk(folder)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
            folder = null;
        }
    }

    private void stopProcess() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** The balancer's Socket.IO port, as a client's URL: http://127.0.0.1:port. */
    public String socketUrl() {
        return "http://127.0.0.1:" + ioPort;
    }

    /** Requests to the balancer's HTTP port: each to the next node. */
    public Http http() {
        return new Http("http://127.0.0.1:" + httpPort, Duration.ofSeconds(5));
    }

    /** Raw HTTP requests to the balancer's Socket.IO port, each on a new connection. */
    public Http socketHttp() {
        return Http.toSocketServer(socketUrl());
    }

    public int httpPort() {
        return httpPort;
    }

    public int ioPort() {
        return ioPort;
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** haproxy from PATH (or Debian's /usr/sbin, which is not on every user's PATH), or null. */
    static String executable() {
        String path = System.getenv("PATH");
        List<String> dirs = new java.util.ArrayList<>(path == null ? List.of() : List.of(path.split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin"));
        for (String dir : dirs) {
            for (String name : List.of("haproxy", "haproxy.exe")) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return null;
    }

    /** A port that is free now (it may be taken before it is used: a test that fixes ports takes that chance). */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
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
