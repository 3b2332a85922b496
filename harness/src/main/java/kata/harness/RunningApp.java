package kata.harness;

import java.time.Duration;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the step's app once for a test class, on free ports, and stops it after the last test.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final RunningApp&lt;App&gt; app = RunningApp.of(env -&gt; App.start(Config.fromEnvironment(env)), App::httpPort);
 * </pre>
 *
 * @param <A> the step's App class
 */
public final class RunningApp<A extends AutoCloseable> implements BeforeAllCallback, AfterAllCallback {

    /** Starts the app from environment variables, as {@code ./kata run} does. */
    @FunctionalInterface
    public interface Starter<A> {
        A start(Map<String, String> env) throws Exception;
    }

    private final Starter<A> starter;
    private final ToIntFunction<A> httpPort;
    private ToIntFunction<A> ioPort;
    private A app;
    private Http http;
    private Exception startFailure;

    private RunningApp(Starter<A> starter, ToIntFunction<A> httpPort) {
        this.starter = starter;
        this.httpPort = httpPort;
    }

    public static <A extends AutoCloseable> RunningApp<A> of(Starter<A> starter, ToIntFunction<A> httpPort) {
        return new RunningApp<>(starter, httpPort);
    }

    /** For the steps with a Socket.IO server: where it listens. */
    public RunningApp<A> withSocketPort(ToIntFunction<A> ioPort) {
        this.ioPort = ioPort;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        try {
            app = starter.start(TestEnv.variables());
            http = new Http("http://127.0.0.1:" + httpPort.applyAsInt(app), Duration.ofSeconds(5));
            if (ioPort != null) {
                warmUpSockets();
            }
        } catch (Exception e) {
            // each test then fails with this reason, rather than the class failing as a whole
            startFailure = e;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (app != null) {
            app.close();
            app = null;
        }
    }

    /**
     * One Socket.IO connection (jane's, closed at once) before the first test: the first handshake
     * in a JVM loads and compiles most of the Socket.IO stack, which takes 0.3 s on a quiet machine
     * and can take over 5 s on a busy one. No test's clock should pay for it. Whatever comes of it
     * (on starting code, a refusal) is left to the tests to find.
     */
    private void warmUpSockets() {
        try (Connection jane = Connection.open(socketUrl(), java.util.Map.of("authorization",
                java.util.List.of("Bearer " + TokenForge.valid(2, "jane").signed())), Connection.Mode.POLLING_FIRST, false)) {
            if (jane.awaitOutcome().equals("connected")) {
                jane.reachesWebsocketWithin(Connection.PATIENCE);
            }
        } catch (RuntimeException e) {
            // the tests will say what is wrong
        }
    }

    public A app() {
        if (startFailure != null) {
            throw new AssertionError("The app did not start: " + startFailure.getMessage(), startFailure);
        }
        if (app == null) {
            throw new IllegalStateException("the app is not running: register RunningApp with @RegisterExtension on a static field");
        }
        return app;
    }

    public Http http() {
        app();
        return http;
    }

    public int httpPort() {
        return httpPort.applyAsInt(app());
    }

    public int socketPort() {
        if (ioPort == null) {
            throw new IllegalStateException("this step has no Socket.IO server: RunningApp.of(..).withSocketPort(App::ioPort)");
        }
        return ioPort.applyAsInt(app());
    }

    public String socketUrl() {
        return "http://127.0.0.1:" + socketPort();
    }

    /** Raw HTTP requests to the Socket.IO server, for what a client library would never send. */
    public Http socketHttp() {
        return Http.toSocketServer(socketUrl());
    }

    /** The origin of the app's own page, as a browser on it would send it. */
    public String pageOrigin() {
        return "http://localhost:" + httpPort();
    }
}
