package kata.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import kata.App;
import kata.Config;
import kata.Revocations;
import kata.SignedIn;
import kata.User;
import kata.harness.RedisServer;
import kata.harness.TestEnv;

/**
 * What revocations cost with many of them: 100,000 revoked tokens added, checks per second with them
 * in memory, and, through Redis (step 10), logouts stored per second, a node's start with them all in
 * Redis (the goal: serving within 2 s), and the Redis commands of one logout and of an idle second.
 *
 * <pre>
 * mvn -q -pl app test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=kata.bench.RevocationBenchmark
 * </pre>
 *
 * <p>Revocations are made straight on {@code App.revocations()}, as {@code POST /logout} does after it
 * has checked the token, so that HTTP and the rate limits do not set the pace.
 */
public final class RevocationBenchmark {

    static final int REVOKED = 100_000;
    static final int CHECKS = 2_000_000;
    static final User JOHN = new User(1, "john");

    public static void main(String[] args) throws Exception {
        inMemory();
        throughRedis();
        System.exit(0);
    }

    /** Step 09's Revocations alone: adds and checks, after a warm-up of the same size. */
    static void inMemory() {
        for (int warmUp = 0; warmUp < 3; warmUp++) {
            Revocations revocations = new Revocations(Clock.systemUTC());
            List<SignedIn> revoked = signIns(REVOKED);
            add(revocations, revoked);
            check(revocations, revoked, signIns(1_000));
        }
        Revocations revocations = new Revocations(Clock.systemUTC());
        List<SignedIn> revoked = signIns(REVOKED);
        long addNanos = add(revocations, revoked);
        long checkNanos = check(revocations, revoked, signIns(1_000));
        System.out.printf(Locale.ROOT, "in memory: %,d revocations added in %d ms (%.2f µs each), %d remembered%n",
                REVOKED, addNanos / 1_000_000, addNanos / 1_000.0 / REVOKED, revocations.size());
        System.out.printf(Locale.ROOT, "in memory: %,d checks with %,d revoked (half of them revoked) in %d ms: %,.0f checks/s on one thread%n",
                CHECKS, REVOKED, checkNanos / 1_000_000, CHECKS / (checkNanos / 1e9));
    }

    static long add(Revocations revocations, List<SignedIn> revoked) {
        long start = System.nanoTime();
        for (SignedIn signedIn : revoked) {
            revocations.revoke(signedIn);
        }
        return System.nanoTime() - start;
    }

    static long check(Revocations revocations, List<SignedIn> revoked, List<SignedIn> good) {
        int hits = 0;
        long start = System.nanoTime();
        for (int i = 0; i < CHECKS; i++) {
            SignedIn signedIn = i % 2 == 0 ? revoked.get(i % revoked.size()) : good.get(i % good.size());
            if (revocations.isRevoked(signedIn)) {
                hits++;
            }
        }
        long nanos = System.nanoTime() - start;
        if (hits != CHECKS / 2) {
            throw new IllegalStateException("expected " + CHECKS / 2 + " revoked, found " + hits);
        }
        return nanos;
    }

    /** Step 10: two nodes on one Redis. */
    static void throughRedis() throws Exception {
        try (RedisServer redis = RedisServer.started(); App nodeA = App.start(node(redis))) {
            // warm-up: a tenth of the work, then the Redis statistics start from zero
            revokeOn(nodeA, signIns(REVOKED / 10), 8);
            redis.command("CONFIG", "RESETSTAT");
            List<SignedIn> revoked = signIns(REVOKED);
            long storeNanos = revokeOn(nodeA, revoked, 8);
            Map<String, Long> perLogout = commands(redis);
            System.out.printf(Locale.ROOT, "redis: %,d logouts stored by node A (8 threads) in %d ms: %,.0f/s%n",
                    REVOKED, storeNanos / 1_000_000, REVOKED / (storeNanos / 1e9));
            System.out.println("redis: commands per logout: " + perCall(perLogout, REVOKED));

            redis.command("CONFIG", "RESETSTAT");
            long started = System.nanoTime();
            try (App nodeB = App.start(node(redis))) {
                long startNanos = System.nanoTime() - started;
                boolean knowsAll = revoked.stream().allMatch(nodeB.revocations()::isRevoked);
                System.out.printf(Locale.ROOT, "redis: node B started with %,d revocations in Redis in %d ms, and knows them all: %s%n",
                        nodeB.revocations().size(), startNanos / 1_000_000, knowsAll);
                System.out.println("redis: commands of node B's start: " + commands(redis));

                redis.command("CONFIG", "RESETSTAT");
                Thread.sleep(10_000); // the benchmark measures an idle period: nothing to wait for
                System.out.println("redis: commands of two idle nodes in 10 s: " + commands(redis));
            }
            System.out.println("redis: the log kata:revocations takes " + redis.command("MEMORY", "USAGE", "kata:revocations").substring(1)
                    + " bytes for " + redis.command("XLEN", "kata:revocations").substring(1) + " entries");
        }
    }

    static long revokeOn(App node, List<SignedIn> revoked, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < revoked.size(); i = next.getAndIncrement()) {
                    node.revocations().revoke(revoked.get(i));
                }
            }));
        }
        for (Future<?> future : done) {
            future.get();
        }
        long nanos = System.nanoTime() - start;
        pool.shutdown();
        return nanos;
    }

    static Config node(RedisServer redis) {
        Map<String, String> env = new HashMap<>(TestEnv.variables());
        env.put("REDIS_URL", redis.url());
        return Config.fromEnvironment(env);
    }

    static List<SignedIn> signIns(int count) {
        Instant expires = Instant.now().plus(Duration.ofHours(1));
        List<SignedIn> signIns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            signIns.add(new SignedIn(JOHN, UUID.randomUUID().toString(), Revocations.FIRST_STAMP, expires));
        }
        return signIns;
    }

    /** Calls per command since the last RESETSTAT, from INFO commandstats. */
    static Map<String, Long> commands(RedisServer redis) {
        Map<String, Long> calls = new java.util.TreeMap<>();
        for (String line : redis.bulk("INFO", "commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                String count = line.substring(line.indexOf("calls=") + 6, line.indexOf(',', line.indexOf("calls=")));
                calls.put(name, Long.parseLong(count));
            }
        }
        return calls;
    }

    static String perCall(Map<String, Long> calls, int operations) {
        StringBuilder text = new StringBuilder();
        calls.forEach((name, count) -> text.append(String.format(Locale.ROOT, "%s %.2f, ", name, count / (double) operations)));
        return text.length() == 0 ? "none" : text.substring(0, text.length() - 2);
    }
}
