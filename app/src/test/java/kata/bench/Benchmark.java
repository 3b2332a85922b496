package kata.bench;

import io.socket.client.IO;
import io.socket.client.Manager;
import io.socket.client.Socket;
import io.socket.engineio.client.Transport;
import io.socket.engineio.client.transports.Polling;
import io.socket.engineio.client.transports.WebSocket;
import io.socket.engineio.parser.Packet;
import io.socket.thread.EventThread;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import kata.App;
import kata.Config;
import kata.harness.RedisServer;
import kata.harness.TestEnv;
import kata.harness.TokenForge;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.json.JSONObject;

/**
 * Measures the finished app in-process, over loopback: how many Socket.IO handshakes per second it
 * authenticates (and refuses), and how fast it fans events out to the connections of one user.
 *
 * <pre>
 * mvn -q -pl app test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=kata.bench.Benchmark
 * </pre>
 *
 * <p>Server and clients share this JVM and its cores: every number is "app + Java client on the same
 * machine", not the app alone. What is measured, and how to read it: BENCHMARK.md.
 */
public final class Benchmark {

    static final String COMMAND =
            "mvn -q -pl app test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=kata.bench.Benchmark";

    static final String[] POLLING_FIRST = {Polling.NAME, WebSocket.NAME};
    static final String[] WEBSOCKET_ONLY = {WebSocket.NAME};
    static final String[] POLLING_ONLY = {Polling.NAME};

    /** Upgrades: UPGRADES polling-first connections, UPGRADES_IN_FLIGHT at a time; one not on websocket after STALLED_AFTER stalled. */
    static final int UPGRADES = 2_000;
    static final int UPGRADES_IN_FLIGHT = 16;
    static final Duration STALLED_AFTER = Duration.ofSeconds(3);
    /** Churn: CHURN connect/close cycles (half polling-first, half websocket-only), 16 at a time; presence must settle within 1 s. */
    static final int CHURN = 1_000;
    static final Duration SETTLED_WITHIN = Duration.ofSeconds(1);
    /** A killed client, on an app with these pings: presence must settle within interval + timeout + 1 s. */
    static final Duration KILL_PING_INTERVAL = Duration.ofSeconds(2);
    static final Duration KILL_PING_TIMEOUT = Duration.ofSeconds(2);

    /** Handshakes: a warm-up (a count, or a time if that comes first), then REPS repetitions of a fixed duration. */
    static final int WARMUP_HANDSHAKES = 200;
    static final Duration WARMUP_AT_MOST = Duration.ofMillis(1_500);
    static final int REPS = 5;
    static final Duration REP_DURATION = Duration.ofMillis(600);
    static final int CONCURRENCY = 8;
    /** The longest wait for one connect or connect_error. */
    static final Duration PATIENCE = Duration.ofSeconds(5);
    /** The longest wait for the server to drop the sessions of closed clients, after a scenario. */
    static final Duration DRAIN_AT_MOST = Duration.ofSeconds(12);

    /** Events: CONNECTIONS connections of john; a warm-up burst, BURSTS bursts, then events at a fixed pace. */
    static final int CONNECTIONS = 100;
    static final int WARMUP_EVENTS = 200;
    static final int BURST_EVENTS = 500;
    static final int BURSTS = 3;
    static final int PACED_PER_SECOND = 100;
    static final int PACED_EVENTS = 200;
    static final Duration DELIVERY_PATIENCE = Duration.ofSeconds(20);

    private static OkHttpClient http;
    private static String url;

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        // the app logs one line per connection and per refusal: that would measure the terminal
        System.setProperty("org.slf4j.simpleLogger.log.kata", "warn");

        List<String> report = new ArrayList<>();
        report.add("Benchmark of the finished app, " + ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")));
        report.add("machine: " + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version")
                + " (" + System.getProperty("java.vm.name") + "), " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                + ", max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        report.add("command: " + COMMAND);
        report.add("app and clients in this JVM, 127.0.0.1 only. Handshakes: warm-up " + WARMUP_HANDSHAKES + " (at most "
                + WARMUP_AT_MOST.toMillis() + " ms), then " + REPS + " reps of " + REP_DURATION.toMillis() + " ms. Events: "
                + CONNECTIONS + " connections of john, warm-up " + WARMUP_EVENTS + " events, " + BURSTS + " bursts of " + BURST_EVENTS
                + ", then " + PACED_EVENTS + " events at " + PACED_PER_SECOND + "/s; the same with the connections split over two"
                + " nodes joined by a redis-server.");
        report.forEach(System.out::println);

        ThreadPoolExecutor okHttpThreads =
                new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS, new SynchronousQueue<>(), daemon("okhttp"));
        Dispatcher dispatcher = new Dispatcher(okHttpThreads);
        // OkHttp allows 5 calls per host by default: 100 long-polls or websockets need more
        dispatcher.setMaxRequests(1_000);
        dispatcher.setMaxRequestsPerHost(1_000);
        http = new OkHttpClient.Builder().dispatcher(dispatcher).readTimeout(1, TimeUnit.MINUTES).build();

        long started = System.nanoTime();
        // the tests' environment, rate limits out of reach among it: every handshake comes from 127.0.0.1
        App app = App.start(Config.fromEnvironment(TestEnv.variables()));
        url = "http://127.0.0.1:" + app.ioPort();
        List<String> table = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        long lost = 0;
        try {
            String token = login(app.httpPort());
            String forged = TokenForge.valid(1, "john").signedWith("HS256", TestEnv.OTHER_SECRET);

            table.add("| handshakes (connect, wait for the outcome, close) | per second, median | min - max | failures | sessions gone after |");
            table.add("|---|---:|---:|---:|---:|");
            table.add(handshakes(app, "accepted, polling first, sequential", token, POLLING_FIRST, 1, true, problems));
            table.add(handshakes(app, "accepted, polling first, " + CONCURRENCY + " in flight", token, POLLING_FIRST, CONCURRENCY, true, problems));
            table.add(handshakes(app, "accepted, websocket only, sequential", token, WEBSOCKET_ONLY, 1, true, problems));
            table.add(handshakes(app, "accepted, websocket only, " + CONCURRENCY + " in flight", token, WEBSOCKET_ONLY, CONCURRENCY, true, problems));
            table.add(handshakes(app, "refused (bad signature), polling first, sequential", forged, POLLING_FIRST, 1, false, problems));
            table.add(handshakes(app, "refused (bad signature), polling first, " + CONCURRENCY + " in flight", forged, POLLING_FIRST, CONCURRENCY, false, problems));
            table.add(handshakes(app, "refused (bad signature), websocket only, sequential", forged, WEBSOCKET_ONLY, 1, false, problems));
            table.add("");
            table.add("| " + CONNECTIONS + " connections of john | bursts of " + BURST_EVENTS + ": deliveries/s, median (min - max) | burst p50 / p99 latency"
                    + " | at " + PACED_PER_SECOND + " events/s: p50 / p99 / max latency | lost |");
            table.add("|---|---:|---:|---:|---:|");
            EventResult ws = events(app, "websocket only", token, WEBSOCKET_ONLY, problems);
            table.add(ws.row());
            lost += ws.lost();
            EventResult polling = events(app, "polling first", token, POLLING_FIRST, problems);
            table.add(polling.row());
            lost += polling.lost();
            EventResult pollingOnly = events(app, "polling only", token, POLLING_ONLY, problems);
            table.add(pollingOnly.row());
            lost += pollingOnly.lost();
            table.add("");
            table.add(upgrades(app, token, problems));
            table.add("");
            table.add("| presence (GET /users/1/online turns false) | settle time | bound |");
            table.add("|---|---:|---:|");
            table.add(churn(app, token, problems));
            table.add(killed(token, problems));
            lost += twoNodes(token, table, problems);
        } finally {
            long closing = System.nanoTime();
            app.close();
            long closed = System.nanoTime();
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
            System.out.println();
            table.forEach(System.out::println);
            System.out.println();
            System.out.println("lost: " + lost);
            problems.forEach(p -> System.out.println("PROBLEM: " + p));
            System.out.printf(Locale.ROOT, "app.close() returned in %.0f ms; ", (closed - closing) / 1e6);
            double gone = awaitOwnThreads(Duration.ofSeconds(20));
            System.out.printf(Locale.ROOT, "its last thread ended %.1f s after close; whole run %.0f s%n",
                    gone, (System.nanoTime() - started) / 1e9);
        }
        if (lost > 0 || !problems.isEmpty()) {
            throw new IllegalStateException("FAILED: " + lost + " events lost, " + problems.size() + " problems (listed above)");
        }
    }

    // ---------------------------------------------------------------- two nodes

    /**
     * Step 10: the same fan-out, with john's 100 connections split over two nodes joined by a
     * redis-server of their own: node A sends, and reaches its 50 directly and node B's 50 through
     * Redis. Skipped, and said so, without redis-server.
     */
    static long twoNodes(String token, List<String> table, List<String> problems) throws Exception {
        RedisServer redis;
        try {
            redis = RedisServer.started();
        } catch (IllegalStateException e) {
            table.add("| two nodes, one Redis | not measured: " + e.getMessage() + " | | | |");
            return 0;
        }
        Map<String, String> env = new HashMap<>(TestEnv.variables());
        env.put("REDIS_URL", redis.url());
        table.add("");
        table.add("| " + CONNECTIONS + " connections of john, over two nodes | bursts of " + BURST_EVENTS + ": deliveries/s, median (min - max)"
                + " | burst p50 / p99 latency | at " + PACED_PER_SECOND + " events/s: p50 / p99 / max latency | lost |");
        table.add("|---|---:|---:|---:|---:|");
        App nodeA = App.start(Config.fromEnvironment(env));
        App nodeB = App.start(Config.fromEnvironment(env));
        try {
            List<String> urls = List.of("http://127.0.0.1:" + nodeA.ioPort(), "http://127.0.0.1:" + nodeB.ioPort());
            EventResult ws = events(nodeA, urls, "websocket only, two nodes (50 + 50), one Redis", token, WEBSOCKET_ONLY, problems);
            table.add(ws.row());
            EventResult polling = events(nodeA, urls, "polling first, two nodes (50 + 50), one Redis", token, POLLING_FIRST, problems);
            table.add(polling.row());
            return ws.lost() + polling.lost();
        } finally {
            nodeA.close();
            nodeB.close();
            redis.close();
        }
    }

    // ---------------------------------------------------------------- handshakes

    /** One row: connect, wait for connect (or connect_error), close; at this concurrency, for fixed durations. */
    static String handshakes(App app, String name, String token, String[] transports, int concurrency, boolean accepted,
            List<String> problems) throws InterruptedException {
        String expected = accepted ? "connected" : "connect_error";
        Run warm = run(concurrency, () -> handshake(token, transports), expected, WARMUP_AT_MOST.toNanos(), WARMUP_HANDSHAKES);
        double[] rates = new double[REPS];
        int failures = warm.failures();
        for (int rep = 0; rep < REPS; rep++) {
            Run r = run(concurrency, () -> handshake(token, transports), expected, REP_DURATION.toNanos(), Integer.MAX_VALUE);
            rates[rep] = r.ok() / (r.nanos() / 1e9);
            failures += r.failures();
        }
        double drained = drain(app, name, problems);
        if (failures > 0) {
            problems.add(name + ": " + failures + " handshakes did not end in " + expected);
        }
        Arrays.sort(rates);
        String row = String.format(Locale.ROOT, "| %s | %.0f | %.0f - %.0f | %d | %s |", name, median(rates), rates[0], rates[REPS - 1],
                failures, stuck && drained >= DRAIN_AT_MOST.toSeconds() ? "over " + DRAIN_AT_MOST.toSeconds() + " s"
                        : String.format(Locale.ROOT, "%.1f s", drained));
        System.out.println(row);
        return row;
    }

    record Run(int ok, int failures, long nanos) {
    }

    /** Runs handshakes on {@code concurrency} threads until {@code nanos} have passed or {@code count} were started. */
    static Run run(int concurrency, java.util.function.Supplier<String> op, String expected, long nanos, int count)
            throws InterruptedException {
        AtomicInteger started = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        long start = System.nanoTime();
        long deadline = start + nanos;
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            Thread worker = new Thread(() -> {
                while (System.nanoTime() - deadline < 0 && started.getAndIncrement() < count) {
                    (op.get().equals(expected) ? ok : failures).incrementAndGet();
                }
            }, "bench-" + w);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            // each worker ends at most one handshake (PATIENCE) after the deadline
            worker.join(TimeUnit.NANOSECONDS.toMillis(nanos) + 2 * PATIENCE.toMillis());
        }
        return new Run(ok.get(), failures.get(), System.nanoTime() - start);
    }

    /** One handshake: "connected", "connect_error", or "timeout"; the socket is closed in every case. */
    static String handshake(String token, String[] transports) {
        Socket socket = IO.socket(URI.create(url), options(token, transports));
        CompletableFuture<String> outcome = new CompletableFuture<>();
        socket.once(Socket.EVENT_CONNECT, args -> outcome.complete("connected"));
        socket.once(Socket.EVENT_CONNECT_ERROR, args -> outcome.complete("connect_error"));
        socket.connect();
        try {
            return outcome.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return "timeout";
        } catch (Exception e) {
            return "error " + e;
        } finally {
            socket.close();
        }
    }

    /**
     * Waits (bounded) until the server has no connection of john left, so that each scenario starts
     * clean, and says after how many seconds.
     */
    static double drain(App app, String name, List<String> problems) throws InterruptedException {
        long start = System.nanoTime();
        while (!stuck && app.presence().isUserConnected(1)) {
            if (System.nanoTime() - start > DRAIN_AT_MOST.toNanos()) {
                // from here on, john stays "connected": the next scenarios do not wait for it again
                stuck = true;
                problems.add(name + ": john still has a session on the server " + DRAIN_AT_MOST.toSeconds()
                        + " s after all his clients closed (client side: " + http.dispatcher().runningCallsCount()
                        + " HTTP calls or websockets still open)");
            }
            Thread.sleep(10);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Whether a session outlived its client for longer than {@link #DRAIN_AT_MOST}. */
    private static volatile boolean stuck;

    static IO.Options options(String token, String[] transports) {
        IO.Options options = IO.Options.builder()
                .setForceNew(true)
                .setReconnection(false)
                // no client-side connect timer (one Timer thread per connection): every wait here is bounded anyway
                .setTimeout(-1)
                .setTransports(transports)
                .setExtraHeaders(Map.of("authorization", List.of("Bearer " + token)))
                .build();
        options.callFactory = http;
        options.webSocketFactory = http;
        return options;
    }

    // ---------------------------------------------------------------- events

    /** What one connection received in the current round. Touched only on the client's event thread. */
    static final class Receiver {
        boolean[] seen = new boolean[0];
        long[] latencies = new long[0];
        int received;
        int stray;
        int byWebsocket;
        String lastTransport = "";
    }

    /** One round of events: the latencies of every delivery (sorted), the throughput, what was lost. */
    record Round(long[] sortedLatencies, double deliveriesPerSecond, long lost, int byWebsocket) {
        double percentile(double p) {
            return sortedLatencies.length == 0 ? 0 : sortedLatencies[Math.min(sortedLatencies.length - 1, (int) (sortedLatencies.length * p))] / 1e6;
        }
    }

    record EventResult(String name, double[] burstRates, double burstP50, double burstP99, Round paced, long lost) {
        String row() {
            return String.format(Locale.ROOT, "| %s | %.0f (%.0f - %.0f) | %.0f ms / %.0f ms | %.1f ms / %.1f ms / %.1f ms | %d |", name,
                    median(burstRates), burstRates[0], burstRates[burstRates.length - 1], burstP50, burstP99,
                    paced.percentile(0.5), paced.percentile(0.99), paced.percentile(1), lost);
        }
    }

    /** The connections of one scenario and what they receive. */
    static final class Audience {
        final Receiver[] receivers = new Receiver[CONNECTIONS];
        final List<Socket> sockets = new ArrayList<>();
        final AtomicInteger round = new AtomicInteger(Integer.MIN_VALUE);
        final AtomicLong lastDelivery = new AtomicLong();
        volatile CountDownLatch remaining = new CountDownLatch(0);

        /** The connections go to these Socket.IO servers in turn (one node, or two). */
        Audience(String token, String[] transports, CountDownLatch connected, List<String> urls) {
            for (int c = 0; c < CONNECTIONS; c++) {
                Receiver receiver = new Receiver();
                receivers[c] = receiver;
                Socket socket = IO.socket(URI.create(urls.get(c % urls.size())), options(token, transports));
                socket.on(Socket.EVENT_CONNECT, args -> connected.countDown());
                // which transport carried the last message (the event that follows it)
                socket.io().on(Manager.EVENT_TRANSPORT, args -> {
                    Transport transport = (Transport) args[0];
                    transport.on(Transport.EVENT_PACKET, packet -> {
                        if (packet.length > 0 && packet[0] instanceof Packet<?> p && Packet.MESSAGE.equals(p.type)) {
                            receiver.lastTransport = transport.name;
                        }
                    });
                });
                socket.on("foo", args -> receive(receiver, (JSONObject) args[0], System.nanoTime()));
                sockets.add(socket);
                socket.connect();
            }
        }

        private void receive(Receiver receiver, JSONObject payload, long now) {
            int seq = payload.optInt("seq", -1);
            if (payload.optInt("round", Integer.MIN_VALUE) != round.get() || seq < 0 || seq >= receiver.seen.length || receiver.seen[seq]) {
                receiver.stray++;
                return;
            }
            receiver.seen[seq] = true;
            receiver.latencies[receiver.received++] = now - payload.optLong("t");
            if (WebSocket.NAME.equals(receiver.lastTransport)) {
                receiver.byWebsocket++;
            }
            lastDelivery.set(now);
            remaining.countDown();
        }

        /** Sends {@code n} events to john, one every {@code intervalNanos} (0: as fast as possible), and checks every delivery. */
        Round round(App app, int reach, int number, int n, long intervalNanos, String name, List<String> problems) throws InterruptedException {
            CountDownLatch latch = new CountDownLatch(CONNECTIONS * n);
            onEventThread(() -> {
                for (Receiver r : receivers) {
                    r.seen = new boolean[n];
                    r.latencies = new long[n];
                    r.received = 0;
                    r.stray = 0;
                    r.byWebsocket = 0;
                }
                remaining = latch;
                round.set(number);
            });
            long first = System.nanoTime();
            int unexpectedReach = 0;
            for (int seq = 0; seq < n; seq++) {
                if (intervalNanos > 0) {
                    long due = first + seq * intervalNanos;
                    while (System.nanoTime() - due < 0) {
                        LockSupport.parkNanos(due - System.nanoTime());
                    }
                }
                int reached = app.rooms().sendTo(1, "foo", Map.of("round", number, "seq", seq, "t", System.nanoTime()));
                if (reached != reach && unexpectedReach == 0) {
                    unexpectedReach = reached;
                }
            }
            if (unexpectedReach != 0) {
                problems.add(name + ", round " + number + ": sendTo reached " + unexpectedReach + " connections on its node, not " + reach);
            }
            latch.await(DELIVERY_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            long lost = latch.getCount();
            long[] latencies = new long[CONNECTIONS * n];
            int[] counts = new int[4];
            onEventThread(() -> {
                for (Receiver r : receivers) {
                    System.arraycopy(r.latencies, 0, latencies, counts[0], r.received);
                    counts[0] += r.received;
                    counts[1] += r.received == n ? 0 : 1;
                    counts[2] += r.stray;
                    counts[3] += r.byWebsocket;
                }
            });
            if (lost > 0) {
                problems.add(String.format(Locale.ROOT, "%s, round %d: %d of %d deliveries lost (%d of %d connections missed events)",
                        name, number, lost, CONNECTIONS * n, counts[1], CONNECTIONS));
            }
            if (counts[2] > 0) {
                problems.add(name + ", round " + number + ": " + counts[2] + " stray or duplicate events");
            }
            long[] sorted = Arrays.copyOf(latencies, counts[0]);
            Arrays.sort(sorted);
            double rate = counts[0] / ((lastDelivery.get() - first) / 1e9);
            Round result = new Round(sorted, rate, lost, counts[3]);
            System.out.printf(Locale.ROOT, "  %s, round %d (%d events%s): %.0f deliveries/s, p50 %.1f ms, p99 %.1f ms, lost %d, %d%% by websocket%n",
                    name, number, n, intervalNanos > 0 ? ", paced" : "", rate, result.percentile(0.5), result.percentile(0.99), lost,
                    100L * counts[3] / Math.max(1, counts[0]));
            return result;
        }

        void close() {
            sockets.forEach(Socket::close);
        }
    }

    static EventResult events(App app, String name, String token, String[] transports, List<String> problems) throws InterruptedException {
        return events(app, List.of(url), name, token, transports, problems);
    }

    /**
     * The same, with the connections spread over these Socket.IO servers (nodes), the events sent by
     * {@code app}: on its own connections directly, on the other nodes' through Redis.
     */
    static EventResult events(App app, List<String> urls, String name, String token, String[] transports, List<String> problems)
            throws InterruptedException {
        CountDownLatch connected = new CountDownLatch(CONNECTIONS);
        Audience audience = new Audience(token, transports, connected, urls);
        int reach = CONNECTIONS / urls.size() + (CONNECTIONS % urls.size() > 0 ? 1 : 0);
        try {
            if (!connected.await(30, TimeUnit.SECONDS)) {
                problems.add(name + ": only " + (CONNECTIONS - connected.getCount()) + " of " + CONNECTIONS + " connections connected");
                return new EventResult(name, new double[] {0}, 0, 0, new Round(new long[0], 0, 0, 0), 0);
            }
            // give polling-first connections time to upgrade to websocket, as a page would have
            Thread.sleep(1_000);
            long lost = audience.round(app, reach, 0, WARMUP_EVENTS, 0, name + " (warm-up)", problems).lost();
            double[] rates = new double[BURSTS];
            List<long[]> bursts = new ArrayList<>();
            for (int b = 0; b < BURSTS; b++) {
                Round burst = audience.round(app, reach, 1 + b, BURST_EVENTS, 0, name, problems);
                rates[b] = burst.deliveriesPerSecond();
                bursts.add(burst.sortedLatencies());
                lost += burst.lost();
            }
            Round paced = audience.round(app, reach, 1 + BURSTS, PACED_EVENTS, 1_000_000_000L / PACED_PER_SECOND, name + " (paced)", problems);
            lost += paced.lost();
            long[] all = bursts.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            Round pooled = new Round(all, 0, 0, 0);
            Arrays.sort(rates);
            EventResult result = new EventResult(name, rates, pooled.percentile(0.5), pooled.percentile(0.99), paced, lost);
            System.out.println(result.row());
            return result;
        } finally {
            audience.close();
            drain(app, name, problems);
        }
    }

    /** Runs on the client's event thread (where all the receivers' state lives) and waits for it. */
    static void onEventThread(Runnable task) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        EventThread.exec(() -> {
            try {
                task.run();
            } finally {
                done.countDown();
            }
        });
        if (!done.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the client's event thread did not answer within 10 s");
        }
    }

    // ---------------------------------------------------------------- upgrades, churn, a killed client

    /**
     * The moment a polling-first client has upgraded: the client writes twice on the websocket it
     * upgrades to, the probe and then the UPGRADE packet, and each write ends in a drain.
     */
    static CompletableFuture<Long> upgraded(Socket socket) {
        CompletableFuture<Long> upgraded = new CompletableFuture<>();
        socket.io().on(Manager.EVENT_TRANSPORT, args -> {
            Transport transport = (Transport) args[0];
            if (WebSocket.NAME.equals(transport.name)) {
                AtomicInteger drains = new AtomicInteger();
                transport.on(Transport.EVENT_DRAIN, drained -> {
                    if (drains.incrementAndGet() == 2) {
                        upgraded.complete(System.nanoTime());
                    }
                });
            }
        });
        return upgraded;
    }

    /** UPGRADES polling-first connections, UPGRADES_IN_FLIGHT at a time: the time from open to websocket, and how many stalled. */
    static String upgrades(App app, String token, List<String> problems) throws InterruptedException {
        long[] times = new long[UPGRADES];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger stalled = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        long started = System.nanoTime();
        for (int w = 0; w < UPGRADES_IN_FLIGHT; w++) {
            Thread worker = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < UPGRADES) {
                    Socket socket = IO.socket(URI.create(url), options(token, POLLING_FIRST));
                    CompletableFuture<Long> upgrade = upgraded(socket);
                    long opened = System.nanoTime();
                    socket.connect();
                    try {
                        times[done.getAndIncrement()] = upgrade.get(STALLED_AFTER.toMillis(), TimeUnit.MILLISECONDS) - opened;
                    } catch (Exception e) {
                        stalled.incrementAndGet();
                    } finally {
                        socket.close();
                    }
                }
            }, "bench-upgrade-" + w);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long[] sorted = Arrays.copyOf(times, done.get() - stalled.get());
        Arrays.sort(sorted);
        Round round = new Round(sorted, 0, 0, 0);
        drain(app, "upgrades", problems);
        if (stalled.get() > 0) {
            problems.add("upgrades: " + stalled.get() + " of " + UPGRADES + " polling-first connections still on polling "
                    + STALLED_AFTER.toSeconds() + " s after they opened");
        }
        String header = "| " + UPGRADES + " polling-first connections, " + UPGRADES_IN_FLIGHT + " in flight | connections/s |"
                + " open to websocket p50 / p99 / max | stalled (not on websocket after " + STALLED_AFTER.toSeconds() + " s) |\n|---|---:|---:|---:|\n";
        String row = String.format(Locale.ROOT, "| upgrade to websocket | %.0f | %.0f ms / %.0f ms / %.0f ms | %d |", UPGRADES / seconds,
                round.percentile(0.5), round.percentile(0.99), round.percentile(1), stalled.get());
        System.out.println(row);
        return header + row;
    }

    /** CHURN cycles of connect and close, at every moment, 16 at a time; then how long until john is offline. */
    static String churn(App app, String token, List<String> problems) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < UPGRADES_IN_FLIGHT; w++) {
            Thread worker = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < CHURN) {
                    boolean pollingFirst = i % 2 == 0;
                    Socket socket = IO.socket(URI.create(url), options(token, pollingFirst ? POLLING_FIRST : WEBSOCKET_ONLY));
                    CompletableFuture<Long> upgrade = upgraded(socket);
                    CompletableFuture<String> connected = new CompletableFuture<>();
                    socket.once(Socket.EVENT_CONNECT, args -> connected.complete("connected"));
                    socket.connect();
                    try {
                        connected.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                        // close on connect (mid-upgrade for polling-first), or once upgraded
                        if (pollingFirst && i % 4 == 0) {
                            upgrade.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                        }
                    } catch (Exception e) {
                        // counted below: john stays online
                    } finally {
                        socket.close();
                    }
                }
            }, "bench-churn-" + w);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        double settled = settle(app, Duration.ofSeconds(60));
        if (settled > SETTLED_WITHIN.toMillis() / 1e3) {
            problems.add(String.format(Locale.ROOT, "churn: john still online %.1f s after his last connection closed", settled));
        }
        String row = String.format(Locale.ROOT, "| after %d connect/close cycles (half polling-first, closed on connect or once upgraded) | %.0f ms | %d ms |",
                CHURN, settled * 1e3, SETTLED_WITHIN.toMillis());
        System.out.println(row);
        return row;
    }

    /** A client killed without a goodbye (its TCP connections dropped), on an app with short pings: how long until john is offline. */
    static String killed(String token, List<String> problems) throws Exception {
        Map<String, String> env = new HashMap<>(TestEnv.variables());
        env.put("PING_INTERVAL_MS", String.valueOf(KILL_PING_INTERVAL.toMillis()));
        env.put("PING_TIMEOUT_MS", String.valueOf(KILL_PING_TIMEOUT.toMillis()));
        App app = App.start(Config.fromEnvironment(env));
        String ownUrl = "http://127.0.0.1:" + app.ioPort();
        List<String> rows = new ArrayList<>();
        try {
            for (String[] transports : List.of(POLLING_FIRST, POLLING_ONLY, WEBSOCKET_ONLY)) {
                Dispatcher own = new Dispatcher(http.dispatcher().executorService());
                own.setMaxRequestsPerHost(100);
                java.util.concurrent.atomic.AtomicBoolean dead = new java.util.concurrent.atomic.AtomicBoolean();
                OkHttpClient mortal = http.newBuilder().dispatcher(own).connectionPool(new okhttp3.ConnectionPool())
                        .addInterceptor(chain -> {
                            if (dead.get()) {
                                throw new java.io.IOException("killed");
                            }
                            return chain.proceed(chain.request());
                        }).build();
                List<okhttp3.WebSocket> websockets = new java.util.concurrent.CopyOnWriteArrayList<>();
                IO.Options options = options(token, transports);
                options.callFactory = mortal;
                options.webSocketFactory = (request, listener) -> {
                    okhttp3.WebSocket ws = mortal.newWebSocket(request, listener);
                    websockets.add(ws);
                    return ws;
                };
                Socket socket = IO.socket(URI.create(ownUrl), options);
                CompletableFuture<Long> upgrade = upgraded(socket);
                CompletableFuture<String> connected = new CompletableFuture<>();
                socket.once(Socket.EVENT_CONNECT, args -> connected.complete("connected"));
                socket.connect();
                connected.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                if (transports == POLLING_FIRST) {
                    upgrade.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                }
                dead.set(true);
                own.cancelAll();
                websockets.forEach(okhttp3.WebSocket::cancel);
                double settled = settle(app, Duration.ofSeconds(30));
                Duration bound = KILL_PING_INTERVAL.plus(KILL_PING_TIMEOUT).plusSeconds(1);
                if (settled > bound.toMillis() / 1e3) {
                    problems.add(String.format(Locale.ROOT, "killed %s client: john still online %.1f s after", String.join("+", transports), settled));
                }
                String row = String.format(Locale.ROOT, "| after a %s client was killed (pings %d s + %d s) | %.0f ms | %d ms |",
                        String.join(" then ", transports), KILL_PING_INTERVAL.toSeconds(), KILL_PING_TIMEOUT.toSeconds(), settled * 1e3, bound.toMillis());
                System.out.println(row);
                rows.add(row);
                socket.close();
            }
        } finally {
            app.close();
        }
        return String.join("\n", rows);
    }

    /** Seconds until john is offline (polled every 5 ms), or atMost. */
    static double settle(App app, Duration atMost) throws InterruptedException {
        long start = System.nanoTime();
        while (app.presence().isUserConnected(1) && System.nanoTime() - start < atMost.toNanos()) {
            Thread.sleep(5);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    // ---------------------------------------------------------------- helpers

    static String login(int httpPort) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> reply = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/login"))
                .timeout(PATIENCE)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"john\",\"password\":\"changeit\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        String token = new JSONObject(reply.body()).optString("token");
        if (reply.statusCode() != 200 || token.isEmpty()) {
            throw new IllegalStateException("POST /login answered " + reply.statusCode() + ": " + reply.body());
        }
        return token;
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static ThreadFactory daemon(String prefix) {
        AtomicInteger number = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Waits (bounded) until no other thread of this thread group keeps the JVM alive (the app's server
     * threads end a few seconds after close), and says after how long.
     */
    static double awaitOwnThreads(Duration atMost) throws InterruptedException {
        long start = System.nanoTime();
        ThreadGroup group = Thread.currentThread().getThreadGroup();
        while (true) {
            Thread[] threads = new Thread[group.activeCount() * 2 + 16];
            int n = group.enumerate(threads, true);
            List<String> alive = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Thread t = threads[i];
                if (t != Thread.currentThread() && t.isAlive() && !t.isDaemon()) {
                    alive.add(t.getName());
                }
            }
            if (alive.isEmpty() || System.nanoTime() - start > atMost.toNanos()) {
                if (!alive.isEmpty()) {
                    System.out.println("still running after " + atMost.toSeconds() + " s: " + alive);
                }
                return (System.nanoTime() - start) / 1e9;
            }
            Thread.sleep(20);
        }
    }
}
