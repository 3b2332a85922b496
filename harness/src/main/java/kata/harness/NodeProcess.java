package kata.harness;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The step's app in a JVM of its own ({@code java -cp <the tests' classpath> kata.App}), started as
 * {@code ./kata run} starts it, from environment variables: a node that a test can kill at once, as a
 * crash or a pulled plug would, with no shutdown hook and no goodbye to anyone.
 */
public final class NodeProcess implements AutoCloseable {

    /** A JVM and the app in it start in 1-3 s here; a busy laptop takes longer. */
    private static final Duration STARTUP = Duration.ofSeconds(30);

    private static final Pattern RUNNING = Pattern.compile("running at: http://[^:]+:(\\d+) \\(Socket\\.IO on port (\\d+)\\)");

    private final String name;
    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private volatile int httpPort;
    private volatile int ioPort;

    private NodeProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(this::read, "node-" + name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code kata.App} with these environment variables, and does not wait. */
    public static NodeProcess start(String name, Map<String, String> env) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // a node of a test lives for seconds: the quick compiler alone and the serial collector start it in
        // about half the time on two cores, and it serves a test's few requests as well
        ProcessBuilder builder = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath(), "kata.App")
                .directory(TestEnv.root().toFile())
                .redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            return new NodeProcess(name, builder.start());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a JVM for node " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * The tests' classpath: the JVM's own, after the folders of a class loader that holds the step's
     * classes apart (the fast runner of ./kata watch loads them that way; Maven puts them on the JVM's).
     */
    private static String classpath() {
        List<String> entries = new ArrayList<>();
        if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader) {
            for (URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException | IllegalArgumentException e) {
                    // not a file: nothing a JVM could load from its classpath
                }
            }
        }
        entries.add(System.getProperty("java.class.path"));
        return String.join(File.pathSeparator, entries);
    }

    /** Waits until the app says where it listens; fails with its output if it stops or says nothing. */
    public NodeProcess awaitRunning() {
        try {
            await().atMost(STARTUP).pollInterval(Duration.ofMillis(20)).until(() -> httpPort > 0 || !process.isAlive());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Node " + name + " did not say where it listens within " + STARTUP.toSeconds() + " s. It printed:\n"
                    + output());
        }
        if (httpPort == 0) {
            awaitExit();
            throw new AssertionError("Node " + name + " stopped at start (exit code " + process.exitValue() + "). It printed:\n" + output());
        }
        return this;
    }

    /** Waits (bounded) for the JVM to end, and gives its exit code. */
    public int awaitExit() {
        try {
            if (!process.waitFor(STARTUP.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("Node " + name + " still runs after " + STARTUP.toSeconds() + " s. It printed:\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
        // the last lines may still be on their way from the pipe
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10)).until(() -> done);
        return process.exitValue();
    }

    public int httpPort() {
        return httpPort;
    }

    public int ioPort() {
        return ioPort;
    }

    public String socketUrl() {
        return "http://127.0.0.1:" + ioPort;
    }

    public Http http() {
        return new Http("http://127.0.0.1:" + httpPort, Duration.ofSeconds(5));
    }

    /** What the node printed so far (its log), one line each. */
    public String output() {
        return String.join("\n", output);
    }

    /** Kills the JVM at once (SIGKILL on Linux and macOS): no shutdown hook, no socket closed politely. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(STARTUP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        kill();
    }

    private volatile boolean done;

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.add(line);
                System.err.println("[node " + name + "] " + line);
                Matcher running = RUNNING.matcher(line);
                if (running.find()) {
                    ioPort = Integer.parseInt(running.group(2));
                    httpPort = Integer.parseInt(running.group(1));
                }
            }
        } catch (IOException e) {
            // the process is gone: nothing more to read
        } finally {
            done = true;
        }
    }
}
