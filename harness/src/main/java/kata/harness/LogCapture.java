package kata.harness;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the app logs during one test (slf4j-simple writes to System.err, which this copies), still
 * printed as usual:
 *
 * <pre>
 * &#64;RegisterExtension
 * final LogCapture log = new LogCapture();
 * </pre>
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream original;

    @Override
    public void beforeEach(ExtensionContext context) {
        original = System.err;
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (captured) {
                    captured.write(b, off, len);
                }
                original.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        System.setErr(original);
    }

    public String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    public List<String> lines() {
        return Arrays.asList(text().split("\n"));
    }

    /**
     * Waits (bounded) for a log line that contains this text, and gives it. A line with "TODO" ends the
     * wait at once: the starting code is still there.
     */
    public String awaitLine(String contains) {
        try {
            await().atMost(Connection.PATIENCE).pollInterval(java.time.Duration.ofMillis(5))
                    .until(() -> lines().stream().anyMatch(l -> l.contains(contains) || l.contains("TODO ")));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("The app logged no line with \"" + contains + "\" within " + Connection.PATIENCE.toSeconds()
                    + " s. It logged:\n" + text());
        }
        String line = lines().stream().filter(l -> l.contains(contains) || l.contains("TODO ")).findFirst().orElseThrow();
        if (!line.contains(contains)) {
            throw new AssertionError("The app logged \"" + line.trim() + "\" where the test expected a line with \"" + contains + "\".");
        }
        return line;
    }
}
