package kata.harness;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The real time, plus an offset that a test moves forward: to see what an hour later looks like
 * (tokens expired, revocations forgotten) without waiting an hour. Give it to the app with
 * {@code Config.withClock(clock)}. Timers already running are not moved: advance it only for
 * what a test checks afterwards.
 */
public final class TestClock extends Clock {

    private volatile Duration offset = Duration.ZERO;

    public void advance(Duration by) {
        offset = offset.plus(by);
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset);
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
