package kata.room;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;

/**
 * A rate limit per key (a client address, a participant), as step 09 teaches it: Bucket4j's token bucket,
 * a burst of the whole minute's allowance then a steady refill, buckets kept in a bounded Caffeine cache so
 * that a flood of keys cannot exhaust memory. One over the limit gets 429 with {@code Retry-After}.
 */
final class Limits {

    private final Bandwidth perMinute;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterAccess(Duration.ofMinutes(1))
            .build();

    Limits(int perMinute) {
        this.perMinute = Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build();
    }

    /** Takes one request from the key's bucket: 0 if it may go on, else the whole seconds to wait (at least 1). */
    long secondsToWait(String key) {
        Bucket bucket = buckets.get(key, k -> Bucket.builder().addLimit(perMinute).build());
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) {
            return 0;
        }
        return Math.max(1, (probe.getNanosToWaitForRefill() + 999_999_999) / 1_000_000_000);
    }

    /** Refuses with 429 when the key is over its limit: {@code what} says what, e.g. "too many joins from this address". */
    void check(String key, String what, io.javalin.http.Context ctx) {
        long wait = secondsToWait(key);
        if (wait > 0) {
            ctx.header("Retry-After", String.valueOf(wait));
            throw new RoomError(429, what + ", try again in " + wait + " s");
        }
    }
}
