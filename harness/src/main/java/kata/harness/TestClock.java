package kata.harness;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The real time (or, {@link #stopped()}, a moment that stands still), plus an offset that a test moves
 * forward: to see what an hour later looks like
 * (tokens expired, revocations forgotten) without waiting an hour. Give it to the app with
 * {@code Config.withClock(clock)}. Timers already running are not moved: advance it only for
 * what a test checks afterwards.
 */
public final class TestClock extends Clock {

    private volatile Duration offset = Duration.ZERO;
    /** Null for the real time; else the instant this clock stopped at. */
    private final Instant stoppedAt;

    public TestClock() {
        this(null);
    }

    private TestClock(Instant stoppedAt) {
        this.stoppedAt = stoppedAt;
    }

    /** A clock that stands still, at now, until a test moves it: for exact times (a Retry-After of exactly 20 s). */
    public static TestClock stopped() {
        return new TestClock(Instant.now());
    }

    public void advance(Duration by) {
        offset = offset.plus(by);
    }

    @Override
    public Instant instant() {
        return (stoppedAt == null ? Instant.now() : stoppedAt).plus(offset);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the app reads instants only");
    }
}
