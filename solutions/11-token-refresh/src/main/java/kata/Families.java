package kata;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.time.Instant;

/**
 * The logins that refresh their tokens (step 11): one {@link Family} per login, what {@link RefreshTokens}
 * needs to recognise the one refresh token of it that is current, and the ones it replaced. Nothing secret
 * is kept: a refresh token is its family's id and a counter, signed by the server, so a copy of this
 * store (a Redis dump, a backup) gives nobody a token that works.
 *
 * <p>One node alone keeps them in memory ({@link #inMemory}); several nodes share them in Redis
 * ({@link RedisFamilies}), where the change from one counter to the next is one atomic step, so that two
 * nodes asked with the same token at once cannot both rotate it.
 */
public interface Families {

    /**
     * One login: its user and the user's stamp then (a "log out everywhere" voids it), the counter of its
     * current refresh token, when it was created (absolute lifetime) and last used (idle lifetime), when its
     * counter last moved, and whether it was revoked.
     */
    record Family(int userId, long stamp, long counter, Instant created, Instant used, Instant rotated, boolean revoked) {

        Family advanced(Instant now) {
            return new Family(userId, stamp, counter + 1, created, now, now, revoked);
        }

        Family revoke() {
            return new Family(userId, stamp, counter, created, used, rotated, true);
        }
    }

    /**
     * The store could not be asked (step 10: Redis does not answer); it said why in the log. Its own type, so that
     * only this reads as an outage: any other exception is a bug, and is answered as one.
     */
    final class Unavailable extends RuntimeException {

        public Unavailable(RuntimeException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The calls below throw {@link Unavailable} when the store cannot be asked. */
    void create(String id, Family family);

    /** The family, or null when there is none by that id (never was, or forgotten after its lifetime). */
    Family get(String id);

    /**
     * Moves the family's counter from {@code counter} to the next, as one step: false when it was not
     * {@code counter} any more (another request rotated it first) or the family is revoked.
     */
    boolean advance(String id, long counter, Instant now);

    void revoke(String id);

    /**
     * One node's families, in memory, each forgotten a lifetime after it last changed; at most {@code max} of
     * them (the oldest go first: a bound against a flood of logins, which the rate limits already slow).
     */
    static Families inMemory(Duration lifetime, long max) {
        Cache<String, Family> cache = Caffeine.newBuilder().expireAfterWrite(lifetime).maximumSize(max).build();
        return new Families() {
            @Override
            public void create(String id, Family family) {
                cache.put(id, family);
            }

            @Override
            public Family get(String id) {
                return cache.getIfPresent(id);
            }

            @Override
            public boolean advance(String id, long counter, Instant now) {
                boolean[] moved = {false};
                cache.asMap().computeIfPresent(id, (key, family) -> {
                    if (family.counter() != counter || family.revoked()) {
                        return family;
                    }
                    moved[0] = true;
                    return family.advanced(now);
                });
                return moved[0];
            }

            @Override
            public void revoke(String id) {
                cache.asMap().computeIfPresent(id, (key, family) -> family.revoke());
            }
        };
    }
}
