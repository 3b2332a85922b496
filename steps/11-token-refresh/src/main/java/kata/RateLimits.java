package kata;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import kata.plumbing.HandshakeGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rate limits, checked before any password or token is: {@code POST /login} per username and per client
 * address, {@code POST /logout} per client address, and the Socket.IO handshake per client address. A
 * request over a limit gets 429, a {@code Retry-After} header (whole seconds) and
 * {@code {"error": "too many logins for this user, try again in 12 s"}}.
 *
 * <ul>
 *   <li>Logins per username stop password guessing against one account, from any number of addresses.
 *       Every name gets a bucket, known or not: a 429 that only known names could get would tell an
 *       attacker which names exist, which LoginRoute's single "invalid credentials" takes care not to.
 *       A wrong password counts like a right one: LoginRoute asks before it checks the password.</li>
 *   <li>Logins per address stop one client trying many names.</li>
 *   <li>Logouts per address, not per user: the user is known only once the token is verified, and that
 *       work is what a flood would cost. Each logout also leaves a revocation entry until the token's
 *       exp; the tokens themselves come from logins, which are limited per user.</li>
 *   <li>Handshakes per address: each makes a session that lives until the connect timeout.</li>
 * </ul>
 *
 * <p>The client address is the TCP peer's. X-Forwarded-For is not trusted: any client can send it.
 * Behind a balancer every client would share the balancer's address; reading the header there needs a
 * setting that names the trusted proxies, left for later. IPv6 addresses count by their /64, which a
 * single client usually holds whole.
 *
 * <p>Why Bucket4j: a token bucket per key (a burst of the whole minute's allowance, then a steady refill),
 * lock-free, in memory with no external service, and well maintained; its Redis backends share buckets
 * between nodes when that is wanted. resilience4j's RateLimiter is one limiter per instance, meant to
 * protect a service from its callers as a whole, not a bucket per address or per name.
 *
 * <p>The buckets of each limit live in a Caffeine cache, so that many addresses or names cannot exhaust
 * memory: at most {@link #MOST_KEYS} of them, and each forgotten after a minute unused, when it is full
 * again and forgetting it changes nothing. Under a flood of new keys, Caffeine's admission policy keeps
 * the keys that are used often (the flooder's own among them) and lets the one-time keys go first. Each
 * node keeps its own buckets (step 10 too): with several nodes a client gets the allowance once per node.
 */
public final class RateLimits {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimits.class);

    /** The buckets of one limit, at most: about 400 bytes each (measured), so 4 MB when full. */
    static final int MOST_KEYS = 10_000;
    /** Longer usernames are counted by their first 100 characters: no user has such a name, and keys stay small. */
    static final int LONGEST_NAME = 100;

    private final Limit loginsPerUser;
    private final Limit loginsPerAddress;
    private final Limit logoutsPerAddress;

    public RateLimits(Config config) {
        loginsPerUser = new Limit(config.limits().loginsPerUser(), config.clock());
        loginsPerAddress = new Limit(config.limits().loginsPerAddress(), config.clock());
        logoutsPerAddress = new Limit(config.limits().logoutsPerAddress(), config.clock());
    }

    /** The limit of Socket.IO handshakes per address, which the Socket.IO server checks before it makes a session. */
    public static HandshakeGate handshakes(Config config) {
        Limit limit = new Limit(config.limits().handshakesPerAddress(), config.clock());
        return client -> limit.secondsToWait(addressKey(client));
    }

    /** Checks the limits per address before /login and /logout run; LoginRoute asks {@link #refusesLogin} itself. */
    public void register(JavalinConfig cfg) {
        cfg.routes.before("/login", this::login);
        cfg.routes.before("/logout", this::logout);
    }

    private void login(Context ctx) {
        if (!HandlerType.POST.equals(ctx.method())) {
            return;
        }
        String address = addressKey(ctx.req().getRemoteAddr());
        long wait = loginsPerAddress.secondsToWait(address);
        if (wait > 0) {
            refuse(ctx, address, "too many logins from this address", wait);
            ctx.skipRemainingHandlers();
        }
    }

    /**
     * The limit per username, which LoginRoute asks once it has read the body, before it checks the password:
     * true when the login is refused (429 already answered).
     */
    public boolean refusesLogin(Context ctx, String username) {
        long wait = loginsPerUser.secondsToWait(username.length() > LONGEST_NAME ? username.substring(0, LONGEST_NAME) : username);
        if (wait > 0) {
            refuse(ctx, addressKey(ctx.req().getRemoteAddr()), "too many logins for this user", wait);
            return true;
        }
        return false;
    }

    private void logout(Context ctx) {
        if (!HandlerType.POST.equals(ctx.method())) {
            return;
        }
        String address = addressKey(ctx.req().getRemoteAddr());
        long wait = logoutsPerAddress.secondsToWait(address);
        if (wait > 0) {
            refuse(ctx, address, "too many logouts from this address", wait);
            ctx.skipRemainingHandlers();
        }
    }

    private static void refuse(Context ctx, String address, String reason, long seconds) {
        // the address, never the username: that is whatever the client sent
        LOG.info("{} {} from {} refused: {}", ctx.method(), ctx.path(), address, reason);
        ctx.header("Retry-After", String.valueOf(seconds));
        ErrorReplies.reply(ctx, 429, reason + ", try again in " + seconds + " s");
    }

    /** The key of a client address as the servlet gives it: "127.0.0.1", "[::1]" or "0:0:0:0:0:0:0:1". */
    static String addressKey(String address) {
        String literal = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        if (literal.indexOf(':') < 0) {
            return literal;
        }
        try {
            // an IPv6 literal (it has a colon, which no host name has): parsed, never looked up
            return addressKey(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            return literal;
        }
    }

    /** IPv4: the address. IPv6: its first 64 bits. */
    static String addressKey(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != 16) {
            return address.getHostAddress();
        }
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
        }
        return prefix.append(":/64").toString();
    }

    /** One limit: a token bucket per key, in a bounded cache. */
    static final class Limit {

        private final Bandwidth perMinute;
        private final TimeMeter time;
        private final Cache<String, Bucket> buckets;

        Limit(int perMinute, Clock clock) {
            // the whole minute's allowance at once, then one more every (60 / perMinute) s
            this.perMinute = Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build();
            this.time = timeOf(clock);
            this.buckets = Caffeine.newBuilder()
                    .maximumSize(MOST_KEYS)
                    .expireAfterAccess(Duration.ofMinutes(1))
                    // the app's clock, as the buckets': a key unused for a minute by that clock has a full bucket
                    .ticker(time::currentTimeNanos)
                    .build();
        }

        /** Takes one request from the key's bucket: 0 if it may go on, else the whole seconds to wait (at least 1). */
        long secondsToWait(String key) {
            Bucket bucket = buckets.get(key, k -> Bucket.builder().addLimit(perMinute).withCustomTimePrecision(time).build());
            ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
            if (probe.isConsumed()) {
                return 0;
            }
            long nanos = probe.getNanosToWaitForRefill();
            return Math.max(1, (nanos + 999_999_999) / 1_000_000_000);
        }

        /** The app's clock (tests move it), as Bucket4j reads time. */
        private static TimeMeter timeOf(Clock clock) {
            return new TimeMeter() {
                @Override
                public long currentTimeNanos() {
                    Instant now = clock.instant();
                    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
                }

                @Override
                public boolean isWallClockBased() {
                    return true;
                }
            };
        }
    }
}
