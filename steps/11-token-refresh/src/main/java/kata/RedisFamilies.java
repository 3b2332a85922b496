package kata;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.redisson.api.RScript;
import org.redisson.client.codec.StringCodec;

/**
 * The families of every node, in Redis (step 11 on several nodes): a hash per login,
 * {@code kata:family:<id>}, which Redis forgets a lifetime after the login. Moving a family's counter is
 * one script, which Redis runs as one step: of two nodes asked with the same refresh token at once, one
 * rotates it, and the other finds it rotated. When Redis does not answer, a refresh fails (the caller
 * answers 503): no node can tell alone whether a token was used elsewhere.
 */
final class RedisFamilies implements Families {

    /** KEYS: the family. ARGV: the counter expected, now in ms. 1 when it moved, 0 when it was not that counter or is revoked. */
    private static final String ADVANCE = """
            local family = redis.call('HMGET', KEYS[1], 'counter', 'revoked')
            if family[1] ~= ARGV[1] or family[2] == '1' then return 0 end
            redis.call('HSET', KEYS[1], 'counter', tostring(tonumber(ARGV[1]) + 1), 'used', ARGV[2], 'rotated', ARGV[2])
            return 1
            """;

    private final RedisLink redis;
    private final Duration lifetime;

    RedisFamilies(RedisLink redis, Duration lifetime) {
        this.redis = redis;
        this.lifetime = lifetime;
    }

    @Override
    public void create(String id, Family family) {
        reported("a login's family", () -> {
            create(id, family, null);
            return null;
        });
    }

    private void create(String id, Family family, Void unused) {
        var batch = redis.client().createBatch();
        var map = batch.<String, String>getMap(key(id), StringCodec.INSTANCE);
        map.putAllAsync(Map.of(
                "user", String.valueOf(family.userId()),
                "stamp", String.valueOf(family.stamp()),
                "counter", String.valueOf(family.counter()),
                "created", String.valueOf(family.created().toEpochMilli()),
                "used", String.valueOf(family.used().toEpochMilli()),
                "rotated", String.valueOf(family.rotated().toEpochMilli()),
                "revoked", family.revoked() ? "1" : "0"));
        batch.getKeys().expireAsync(key(id), lifetime.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        batch.execute();
    }

    @Override
    public Family get(String id) {
        return reported("a refresh", () -> read(id));
    }

    private Family read(String id) {
        Map<String, String> fields = redis.client().<String, String>getMap(key(id), StringCodec.INSTANCE).readAllMap();
        if (fields.isEmpty()) {
            return null;
        }
        return new Family(Integer.parseInt(fields.get("user")), Long.parseLong(fields.get("stamp")), Long.parseLong(fields.get("counter")),
                Instant.ofEpochMilli(Long.parseLong(fields.get("created"))), Instant.ofEpochMilli(Long.parseLong(fields.get("used"))),
                Instant.ofEpochMilli(Long.parseLong(fields.get("rotated"))), "1".equals(fields.get("revoked")));
    }

    @Override
    public boolean advance(String id, long counter, Instant now) {
        return reported("a refresh", () -> move(id, counter, now));
    }

    private boolean move(String id, long counter, Instant now) {
        Long moved = redis.client().getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, ADVANCE, RScript.ReturnType.INTEGER,
                List.of(key(id)), String.valueOf(counter), String.valueOf(now.toEpochMilli()));
        return moved != null && moved == 1;
    }

    @Override
    public void revoke(String id) {
        reported("a login's end", () -> redis.client().<String, String>getMap(key(id), StringCodec.INSTANCE).fastReplace("revoked", "1"));
    }

    /** Runs a command; when Redis does not answer, says so in the log (once per interval) and throws {@link Unavailable}. */
    private <T> T reported(String what, java.util.function.Supplier<T> command) {
        try {
            T result = command.get();
            redis.outage().succeeded();
            return result;
        } catch (RuntimeException e) {
            redis.outage().failed(what, e);
            throw new Unavailable(e);
        }
    }

    private String key(String id) {
        return redis.key("family:" + id);
    }
}
