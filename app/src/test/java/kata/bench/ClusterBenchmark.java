package kata.bench;

import io.socket.client.IO;
import io.socket.client.Socket;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import kata.App;
import kata.Config;
import kata.Presence;
import kata.RedisLink;
import kata.SocketServer;
import kata.harness.Http;
import kata.harness.RedisServer;
import kata.harness.TestEnv;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.redisson.api.RBatch;

/**
 * What two nodes of step 10 ask of their Redis: the commands (from {@code INFO commandstats}) and the
 * reads Redis made to get them ({@code total_reads_processed}: a pipelined batch arrives in one) per
 * handshake, connect, close, event, presence read, logout and heartbeat; and how many of node A's
 * connections node B keeps in its own room maps.
 *
 * <pre>
 * mvn -q -pl app test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=kata.bench.ClusterBenchmark
 * </pre>
 *
 * <p>Background traffic is left out of the operations' rows: Redisson's PING (once a second on each of
 * its connections) and the revocation log's read (one EVALSHA running one XRANGE, once a second per
 * node); presence heartbeats are kept out of them by a lease of ten minutes, and measured on their own
 * with a lease of 3 s (a heartbeat each second).
 */
public final class ClusterBenchmark {

    static final String COMMAND =
            "mvn -q -pl app test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=kata.bench.ClusterBenchmark";

    /** How many times each operation runs, one after the other. */
    static final int TIMES = 50;
    /** Connections of john on node A, to count what node B keeps of them. */
    static final int ON_A = 100;
    static final Duration PATIENCE = Duration.ofSeconds(5);
    static final Duration HEARTBEAT_LEASE = Duration.ofSeconds(3);
    static final Duration IDLE = Duration.ofSeconds(10);
    /** Broadcasts in one burst. */
    static final int BURST = 50_000;
    /** Users of one node, for the cost of a heartbeat at scale. */
    static final int USERS = 10_000;

    private static OkHttpClient http;

    private ClusterBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // the app logs one line per connection: that would measure the terminal
        System.setProperty("org.slf4j.simpleLogger.log.kata", "warn");
        System.out.println("Redis commands of two nodes, " + ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")));
        System.out.println("command: " + COMMAND);
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(1_000);
        dispatcher.setMaxRequestsPerHost(1_000);
        http = new OkHttpClient.Builder().dispatcher(dispatcher).readTimeout(1, TimeUnit.MINUTES).build();

        try (RedisServer redis = RedisServer.started()) {
            System.out.println("redis-server " + redis.bulk("INFO", "server").lines().filter(l -> l.startsWith("redis_version:"))
                    .findFirst().orElse("?").substring("redis_version:".length()).trim() + "; " + TIMES + " of each operation, one at a time");
            System.out.println();
            System.out.println("| operation | Redis commands per operation | of them PUBLISH | reads by Redis per operation | Redis CPU per operation |");
            System.out.println("|---|---|---:|---:|---:|");
            operations(redis);
            heartbeats(redis);
            burst(redis);
            manyUsers(redis);
        }
        System.exit(0);
    }

    static void operations(RedisServer redis) throws Exception {
        Map<String, String> env = node(redis, Duration.ofMinutes(10));
        try (App a = App.start(Config.fromEnvironment(env)); App b = App.start(Config.fromEnvironment(env))) {
            Http httpA = new Http("http://127.0.0.1:" + a.httpPort(), PATIENCE);
            Http httpB = new Http("http://127.0.0.1:" + b.httpPort(), PATIENCE);
            String urlA = "http://127.0.0.1:" + a.ioPort();
            String urlB = "http://127.0.0.1:" + b.ioPort();
            String john = httpA.login("john", "changeit");
            // warm-up: the first connections load and compile the Socket.IO stack
            for (int i = 0; i < 20; i++) {
                connect(urlA, john, true).close();
                connect(urlA, john, false).close();
            }
            quiet(redis);

            List<String> sids = new ArrayList<>();
            measure(redis, "a polling handshake without a token (a session that never sends CONNECT)", () -> sids.add(bareHandshake(urlA)));
            measure(redis, "its close (engine.io close packet)", () -> closeBare(urlA, sids.remove(0)));

            List<Socket> sockets = new ArrayList<>();
            measure(redis, "an authenticated connect, websocket only, token in auth (the page)", () -> sockets.add(connect(urlA, john, true)));
            measure(redis, "its close", () -> sockets.remove(0).close());
            measure(redis, "an authenticated connect, polling first with the header (upgraded)", () -> sockets.add(connect(urlA, john, false)));
            measure(redis, "its close", () -> sockets.remove(0).close());

            Socket johnOnA = connect(urlA, john, true);
            Socket johnOnB = connect(urlB, john, true);
            quiet(redis);
            measure(redis, "POST /notify on A (john has a tab on A and one on B)", () -> check(httpA.postWithToken("/notify", john).status()));
            johnOnA.close();
            quiet(redis);
            measure(redis, "GET /users/1/online on A (john is on B only)", () -> check(httpA.getWithToken("/users/1/online", john).status()));
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < TIMES; i++) {
                tokens.add(httpA.login("john", "changeit"));
            }
            quiet(redis);
            measure(redis, "POST /logout on A of a token with no connection", () -> check(httpA.postWithToken("/logout", tokens.remove(0)).status()));
            measure(redis, "POST /login (no Redis)", () -> check(httpA.postJson("/login", "{\"username\":\"jane\",\"password\":\"changeit\"}").status()));
            johnOnB.close();

            // what node B holds of node A's connections
            List<Socket> many = new ArrayList<>();
            for (int i = 0; i < ON_A; i++) {
                many.add(connect(urlA, john, true));
            }
            quiet(redis);
            System.out.println();
            System.out.println("with " + ON_A + " connections of john on A and none on B: B's room user:1 holds " + roomInCluster(b, "user:1")
                    + " session ids (getRoomClientsInCluster), A's holds " + roomInCluster(a, "user:1"));
            many.forEach(Socket::close);
            quiet(redis);
            System.out.println("after they closed: B holds " + roomInCluster(b, "user:1") + ", A holds " + roomInCluster(a, "user:1"));
        }
    }

    /** Two nodes, each with john and jane connected, and a heartbeat every second: what one heartbeat of one node costs. */
    static void heartbeats(RedisServer redis) throws Exception {
        Map<String, String> env = node(redis, HEARTBEAT_LEASE);
        try (App a = App.start(Config.fromEnvironment(env)); App b = App.start(Config.fromEnvironment(env))) {
            List<Socket> sockets = new ArrayList<>();
            for (App node : List.of(a, b)) {
                Http nodeHttp = new Http("http://127.0.0.1:" + node.httpPort(), PATIENCE);
                for (String user : List.of("john", "jane")) {
                    sockets.add(connect("http://127.0.0.1:" + node.ioPort(), nodeHttp.login(user, "changeit"), true));
                }
            }
            quiet(redis);
            redis.command("CONFIG", "RESETSTAT");
            long start = System.nanoTime();
            Thread.sleep(IDLE.toMillis()); // an idle period is what is measured: there is nothing to wait for
            Map<String, Long> counts = counts(redis);
            double seconds = (System.nanoTime() - start) / 1e9;
            // the node's own key is written once per heartbeat (PSETEX), whatever else changed
            long beats = counts.getOrDefault("psetex", 0L);
            Map<String, Long> heartbeat = new TreeMap<>(counts);
            long background = background(heartbeat);
            long reads = heartbeat.remove("reads") - background;
            System.out.println();
            System.out.printf(Locale.ROOT, "heartbeats: %d in %.1f s over two nodes, each serving 2 users (john, jane); per heartbeat of one node: %s;"
                    + " reads by Redis %.2f; Redis CPU %.1f µs%n", beats, seconds, perOperation(heartbeat, beats), reads / (double) beats,
                    micros(redis, heartbeat.keySet()) / beats);
            sockets.forEach(Socket::close);
        }
    }

    /** The Redis CPU time (INFO commandstats' usec) of these commands since the last RESETSTAT. */
    static double micros(RedisServer redis, java.util.Set<String> commands) {
        double micros = 0;
        for (String line : redis.bulk("INFO", "commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_") && commands.contains(line.substring("cmdstat_".length(), line.indexOf(':')))) {
                micros += Long.parseLong(line.replaceAll(".*[:,]usec=(\\d+),.*", "$1"));
            }
        }
        return micros;
    }

    /**
     * What a heartbeat costs a node that serves many users ({@link #USERS}, which the demo's two cannot
     * be): the node's own renewal ({@code Presence.renew}, reached by reflection) for that many user ids in
     * one batch, against the two round trips per user that renewal took before (ZADD, then PEXPIRE).
     */
    static void manyUsers(RedisServer redis) throws Exception {
        try (App a = App.start(Config.fromEnvironment(node(redis, Duration.ofMinutes(10))))) {
            Presence presence = a.presence();
            Field adapterField = Presence.class.getDeclaredField("redis");
            adapterField.setAccessible(true);
            RedisLink adapter = (RedisLink) adapterField.get(presence);
            Method renew = Presence.class.getDeclaredMethod("renew", RBatch.class, int.class);
            renew.setAccessible(true);
            System.out.println();
            long memoryBefore = usedMemory(redis);
            for (int round = 0; round < 3; round++) {
                redis.command("CONFIG", "RESETSTAT");
                long start = System.nanoTime();
                RBatch batch = adapter.client().createBatch();
                for (int user = 0; user < USERS; user++) {
                    renew.invoke(presence, batch, 1_000 + user);
                }
                batch.execute();
                long batchNanos = System.nanoTime() - start;
                Map<String, Long> counts = counts(redis);
                background(counts);
                counts.remove("reads");
                double batchMicros = micros(redis, counts.keySet());
                String batchCommands = perOperation(counts, USERS);

                redis.command("CONFIG", "RESETSTAT");
                start = System.nanoTime();
                for (int user = 0; user < USERS; user++) {
                    var leases = adapter.client().getScoredSortedSet(adapter.key("presence:user:" + (1_000 + user)),
                            org.redisson.client.codec.StringCodec.INSTANCE);
                    leases.add(System.currentTimeMillis() + 6_000, adapter.node());
                    leases.expire(Duration.ofSeconds(12));
                }
                long oneByOneNanos = System.nanoTime() - start;
                counts = counts(redis);
                background(counts);
                counts.remove("reads");
                System.out.printf(Locale.ROOT, "a heartbeat of a node serving %,d users: one batch %.0f ms (Redis CPU %.0f ms; per user %s);"
                        + " two round trips per user, as before: %.0f ms (Redis CPU %.0f ms)%n", USERS, batchNanos / 1e6, batchMicros / 1e3,
                        batchCommands, oneByOneNanos / 1e6, micros(redis, counts.keySet()) / 1e3);
            }
            System.out.printf(Locale.ROOT, "Redis memory for %,d users' leases (one node's): %,d bytes, %d per user%n", USERS,
                    usedMemory(redis) - memoryBefore, (usedMemory(redis) - memoryBefore) / USERS);
        }
    }

    /**
     * Broadcasts as fast as one thread makes them ({@link #BURST} sends to a room, as POST /notify does):
     * how many reach Redis, and how soon; what does not fit the publishing queue is dropped.
     */
    static void burst(RedisServer redis) throws Exception {
        try (App a = App.start(Config.fromEnvironment(node(redis, Duration.ofMinutes(10))))) {
            for (int i = 0; i < 2_000; i++) {
                a.rooms().sendTo(999, "foo", "bar");
            }
            quiet(redis);
            redis.command("CONFIG", "RESETSTAT");
            long start = System.nanoTime();
            for (int i = 0; i < BURST; i++) {
                a.rooms().sendTo(999, "foo", "bar");
            }
            long sent = System.nanoTime() - start;
            long published;
            long last = -1;
            long lastChange = System.nanoTime();
            while (true) {
                published = RevocationBenchmark.commands(redis).getOrDefault("publish", 0L);
                if (published != last) {
                    last = published;
                    lastChange = System.nanoTime();
                } else if (System.nanoTime() - lastChange > Duration.ofMillis(500).toNanos()) {
                    break;
                }
                Thread.sleep(5);
            }
            double seconds = (lastChange - start) / 1e9;
            System.out.println();
            System.out.printf(Locale.ROOT, "a burst of %,d broadcasts from one thread: sent in %.0f ms, %,d published in %.2f s (%,.0f/s),"
                    + " %,d dropped (queue full)%n", BURST, sent / 1e6, published, seconds, published / seconds, BURST - published);
        }
    }

    static long usedMemory(RedisServer redis) {
        return redis.bulk("INFO", "memory").lines().filter(l -> l.startsWith("used_memory:")).findFirst()
                .map(l -> Long.parseLong(l.substring("used_memory:".length()).trim())).orElse(0L);
    }

    static Map<String, String> node(RedisServer redis, Duration lease) {
        Map<String, String> env = new HashMap<>(TestEnv.variables());
        env.put("REDIS_URL", redis.url());
        env.put("PRESENCE_LEASE_MS", String.valueOf(lease.toMillis()));
        return env;
    }

    @FunctionalInterface
    interface Operation {
        void run() throws Exception;
    }

    /** Runs the operation TIMES times and prints its row: commands per operation, background left out. */
    static void measure(RedisServer redis, String name, Operation operation) throws Exception {
        redis.command("CONFIG", "RESETSTAT");
        for (int i = 0; i < TIMES; i++) {
            operation.run();
        }
        quiet(redis);
        Map<String, Long> counts = counts(redis);
        long background = background(counts);
        long reads = counts.remove("reads") - background;
        System.out.printf(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.1f µs |%n", name, perOperation(counts, TIMES),
                counts.getOrDefault("publish", 0L) / (double) TIMES, reads / (double) TIMES, micros(redis, counts.keySet()) / TIMES);
    }

    /**
     * Takes out of {@code counts} what runs whatever the operation: Redisson's PING, the revocation log's
     * reads (EVALSHA_RO running XRANGE, and HGETALL of the stamps while the log is empty), this
     * benchmark's INFO and CONFIG; and says how many of Redis's reads those took.
     */
    static long background(Map<String, Long> counts) {
        long reads = 0;
        for (String command : List.of("ping", "evalsha_ro", "hgetall")) {
            Long count = counts.remove(command);
            reads += count == null ? 0 : count;
        }
        counts.remove("xrange");
        for (String own : List.of("info", "config|resetstat")) {
            Long count = counts.remove(own);
            // a connection of its own each time: the command, and the connection's end
            reads += count == null ? 0 : 2 * count;
        }
        return reads;
    }

    /** Calls per command since the last RESETSTAT (INFO commandstats), and Redis's reads (INFO stats). */
    static Map<String, Long> counts(RedisServer redis) {
        Map<String, Long> calls = new TreeMap<>(RevocationBenchmark.commands(redis));
        for (String line : redis.bulk("INFO", "stats").split("\r?\n")) {
            if (line.startsWith("total_reads_processed:")) {
                calls.put("reads", Long.parseLong(line.substring(line.indexOf(':') + 1).trim()));
            }
        }
        return calls;
    }

    static String perOperation(Map<String, Long> counts, long operations) {
        StringBuilder text = new StringBuilder();
        counts.forEach((name, count) -> text.append(String.format(Locale.ROOT, "%s %.2f, ", name.toUpperCase(Locale.ROOT),
                count / (double) operations)));
        return text.length() == 0 ? "none" : text.substring(0, text.length() - 2);
    }

    /** Waits until Redis has had no command but PING and INFO for 300 ms (at most 3 s): what an operation set off is done. */
    static void quiet(RedisServer redis) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        long last = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long total = 0;
            for (Map.Entry<String, Long> e : RevocationBenchmark.commands(redis).entrySet()) {
                if (!e.getKey().equals("ping") && !e.getKey().equals("info")) {
                    total += e.getValue();
                }
            }
            if (total != last) {
                last = total;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > Duration.ofMillis(300).toNanos()) {
                return;
            }
            Thread.sleep(20);
        }
    }

    /** A Socket.IO connection of this token, connected (websocket only with auth, or polling first with the header and upgraded). */
    static Socket connect(String url, String token, boolean websocketOnly) throws Exception {
        IO.Options options = IO.Options.builder()
                .setForceNew(true)
                .setReconnection(false)
                .setTimeout(-1)
                .setTransports(websocketOnly ? Benchmark.WEBSOCKET_ONLY : Benchmark.POLLING_FIRST)
                .setExtraHeaders(websocketOnly ? Map.of() : Map.of("authorization", List.of("Bearer " + token)))
                .setAuth(websocketOnly ? Map.of("token", token) : null)
                .build();
        options.callFactory = http;
        options.webSocketFactory = http;
        Socket socket = IO.socket(URI.create(url), options);
        CompletableFuture<Long> upgraded = websocketOnly ? CompletableFuture.completedFuture(0L) : Benchmark.upgraded(socket);
        CompletableFuture<String> outcome = new CompletableFuture<>();
        socket.once(Socket.EVENT_CONNECT, args -> outcome.complete("connected"));
        socket.once(Socket.EVENT_CONNECT_ERROR, args -> outcome.complete("connect_error"));
        socket.connect();
        String result = outcome.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        if (!result.equals("connected")) {
            throw new IllegalStateException("the connection was refused: " + result);
        }
        upgraded.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        return socket;
    }

    private static final HttpClient RAW = HttpClient.newHttpClient();

    /** GET /socket.io/?EIO=4&transport=polling without a token: the session's id. */
    static String bareHandshake(String url) throws Exception {
        HttpResponse<String> open = RAW.send(HttpRequest.newBuilder(URI.create(url + "/socket.io/?EIO=4&transport=polling")).timeout(PATIENCE)
                .build(), HttpResponse.BodyHandlers.ofString());
        check(open.statusCode());
        String body = open.body();
        int at = body.indexOf("\"sid\":\"") + 7;
        return body.substring(at, body.indexOf('"', at));
    }

    /** The engine.io close packet ("1"), posted on the session's polling transport. */
    static void closeBare(String url, String sid) throws Exception {
        HttpResponse<String> close = RAW.send(HttpRequest.newBuilder(URI.create(url + "/socket.io/?EIO=4&transport=polling&sid=" + sid))
                .timeout(PATIENCE).header("Content-Type", "text/plain;charset=UTF-8").POST(HttpRequest.BodyPublishers.ofString("1")).build(),
                HttpResponse.BodyHandlers.ofString());
        check(close.statusCode());
    }

    static void check(int status) {
        if (status != 200) {
            throw new IllegalStateException("answered " + status);
        }
    }

    /** How many session ids a node's room holds, its own and the other nodes' (netty-socketio's getRoomClientsInCluster). */
    static int roomInCluster(App node, String room) throws ReflectiveOperationException {
        Field server = SocketServer.class.getDeclaredField("server");
        server.setAccessible(true);
        com.corundumstudio.socketio.SocketIOServer io = (com.corundumstudio.socketio.SocketIOServer) server.get(node.sockets());
        return ((com.corundumstudio.socketio.namespace.Namespace) io.getNamespace(com.corundumstudio.socketio.namespace.Namespace.DEFAULT_NAME))
                .getRoomClientsInCluster(room);
    }
}
