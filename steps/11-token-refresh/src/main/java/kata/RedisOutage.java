package kata;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Redis answers, as the last command found out; says so in the log once per interval while it
 * does not (never a stack trace per command), and once when it is back.
 */
public final class RedisOutage {

    private static final Logger LOG = LoggerFactory.getLogger(RedisOutage.class);

    private final String url;
    private final Duration interval;
    private final Clock clock;
    private volatile boolean down;
    private Instant lastLogged = Instant.MIN;
    private int failures;

    /** {@code url}: as the log may show it (without a password). */
    RedisOutage(String url, Duration interval, Clock clock) {
        this.url = url;
        this.interval = interval;
        this.clock = clock;
    }

    public boolean isDown() {
        return down;
    }

    public synchronized void failed(String what, Exception e) {
        down = true;
        failures++;
        Instant now = clock.instant();
        if (lastLogged == Instant.MIN || !now.isBefore(lastLogged.plus(interval))) {
            LOG.warn("Redis at {} does not answer ({} failed: {}; {} failure(s) since the line before). This node serves its own"
                    + " connections; the other nodes miss its events and its presence until Redis is back.",
                    url, what, reason(e), failures);
            lastLogged = now;
            failures = 0;
        }
    }

    public synchronized void succeeded() {
        if (down) {
            down = false;
            lastLogged = Instant.MIN;
            failures = 0;
            LOG.info("Redis at {} answers again", url);
        }
    }

    /**
     * The innermost reason of a failure, in a few words: without the wrappers' class names, and only
     * the first sentence of Redisson's long ones ("Unable to write command into connection").
     */
    static String reason(Throwable e) {
        String reason = String.valueOf(e.getMessage());
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && !cause.getMessage().contains("Exception")) {
                reason = cause.getMessage();
            }
        }
        int end = reason.length();
        for (String stop : new String[] {"!", ". ", ", "}) {
            int at = reason.indexOf(stop);
            if (at > 0 && at < end) {
                end = at;
            }
        }
        return reason.substring(0, end);
    }
}
