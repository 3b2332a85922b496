package kata.bench;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import kata.harness.TestEnv;

/**
 * Fan-out at scale: K websocket connections of john, then the guide's event sent to john R times,
 * each time waiting until every connection has it. The server runs in a process of its own (the
 * finished app exactly as {@code ./kata run} starts it, and, when {@code NODE_PEER} names the
 * directory of the guide's Node server, that server too), so that its CPU time and memory can be
 * read from /proc (Linux only). One client drives both: this JVM, with all K connections on one thread
 * ({@link Crowd}: a selector, and the websocket, engine.io and Socket.IO protocols written by hand), so that
 * the client costs the same whichever server it talks to, and less per delivery than either: its own CPU
 * is printed beside theirs.
 *
 * <pre>
 * NODE_PEER=../shared/peers/node-jwt ./kata bench fanout
 * </pre>
 *
 * <p>Settings (environment): FANOUT_K (connections, "500,2000"), FANOUT_R (measured events per
 * connection count, "200,100"), FANOUT_WARMUP (unmeasured events first, "300,100"), FANOUT_REPEAT
 * (how many times each server is measured, interleaved, 2), APP_JVM_OPTIONS (added to the app's JVM,
 * e.g. a profiler). What is measured: BENCHMARK.md.
 */
public final class Fanout {

    static final String COMMAND = "NODE_PEER=../shared/peers/node-jwt ./kata bench fanout";

    static final int OTHER_USERS_CONNECTIONS = 2;
    static final Duration PATIENCE = Duration.ofSeconds(10);
    /**
     * Before the memory is read, PRE_WARM_CONNECTIONS connections get PRE_WARM_EVENTS events: classes
     * loaded, pools made, and the HTTP side of the notification (POST /notify, the token's check) run
     * often enough for the JIT to compile it, which the K connections' events alone do not do.
     */
    static final int PRE_WARM_CONNECTIONS = 20;
    static final int PRE_WARM_EVENTS = ints("FANOUT_PREWARM", "3000")[0];

    // HTTP/1.1: the JDK offers an upgrade to h2c otherwise, which the Node server reads as a failed websocket upgrade
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(PATIENCE).build();
    private static final long CLOCK_TICKS = clockTicks();

    private Fanout() {
    }

    public static void main(String[] args) throws Exception {
        int[] ks = ints("FANOUT_K", "500,2000");
        int[] rs = ints("FANOUT_R", "200,100");
        int[] warmups = ints("FANOUT_WARMUP", "300,100");
        int repeat = ints("FANOUT_REPEAT", "2")[0];
        String nodePeer = System.getenv("NODE_PEER");
        List<Server.Kind> kinds = new ArrayList<>();
        if (nodePeer != null && !nodePeer.isBlank()) {
            if (!Files.isRegularFile(Path.of(nodePeer, "server.js")) || !Files.isDirectory(Path.of(nodePeer, "node_modules"))) {
                throw new IllegalStateException("NODE_PEER=" + nodePeer + " must be the guide's Node server, with server.js and"
                        + " node_modules (npm ci there first)");
            }
            kinds.add(Server.Kind.NODE);
        }
        kinds.add(Server.Kind.APP);

        System.out.printf(Locale.ROOT, "%s; %d cores, Java %s, %s; load average %s%n",
                ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                nodePeer == null ? "no Node server (set NODE_PEER)" : "Node " + nodeVersion(), loadAverage());
        List<Result> results = new ArrayList<>();
        long lost = 0;
        for (int i = 0; i < ks.length; i++) {
            for (int rep = 0; rep < repeat; rep++) {
                // interleaved, the order reversed every other time: A B, B A, ...
                List<Server.Kind> order = new ArrayList<>(kinds);
                if (rep % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (Server.Kind kind : order) {
                    Result result = run(kind, ks[i], warmups[Math.min(i, warmups.length - 1)], rs[Math.min(i, rs.length - 1)], nodePeer);
                    System.out.println(result.row());
                    results.add(result);
                    lost += result.lost;
                }
            }
        }
        System.out.println();
        System.out.println(Result.HEADER);
        results.forEach(r -> System.out.println(r.row()));
        System.out.println();
        System.out.println("lost: " + lost);
        System.exit(lost == 0 ? 0 : 1);
    }

    static Result run(Server.Kind kind, int k, int warmup, int r, String nodePeer) throws Exception {
        try (Server server = Server.start(kind, nodePeer)) {
            String johnsToken = server.login("john");
            String janesToken = server.login("jane");
            Crowd.Notifier notifyJohn = () -> server.notifyUser(johnsToken);
            try (Crowd pre = Crowd.connect(server.socketIo(), johnsToken, PRE_WARM_CONNECTIONS, PRE_WARM_EVENTS)) {
                for (int j = 0; j < PRE_WARM_EVENTS; j++) {
                    pre.send(j, notifyJohn);
                }
            }
            long heap0 = server.heapKb();
            Thread.sleep(1_000); // not a wait for an event: the closed connections' memory settles before it is read
            long rss0 = server.rssKb();

            int rounds = warmup + r;
            requireOpenFiles(kind, server.pid(), k);
            try (Crowd others = Crowd.connect(server.socketIo(), janesToken, OTHER_USERS_CONNECTIONS, 0);
                    Crowd johns = Crowd.connect(server.socketIo(), johnsToken, k, rounds)) {
                long rss1 = server.rssKb();
                long heap1 = server.heapKb();
                for (int j = 0; j < warmup; j++) {
                    if (!johns.send(j, notifyJohn)) {
                        return Result.lost(kind, k, johns.lostSoFar(j), johns.failure());
                    }
                }
                server.startProfile();
                java.util.Map<String, Double> threadsBefore = threadCpu(server.pid());
                Sample before = Sample.of(server.pid());
                double clientThreadBefore = johns.threadCpuSeconds();
                long first = System.nanoTime();
                for (int j = warmup; j < rounds; j++) {
                    if (!johns.send(j, notifyJohn)) {
                        return Result.lost(kind, k, johns.lostSoFar(j), johns.failure());
                    }
                }
                long last = johns.lastDelivery();
                double clientThread = johns.threadCpuSeconds() - clientThreadBefore;
                Sample after = Sample.of(server.pid());
                java.util.Map<String, Double> threadsAfter = threadCpu(server.pid());
                server.stopProfile(k);
                System.out.printf(Locale.ROOT, "  %s, K=%d: server CPU user %.2f s, system %.2f s; by thread (s): %s; client JVM user"
                        + " %.2f s, system %.2f s, of it the client thread %.2f s%n", kind.label, k,
                        after.userSeconds - before.userSeconds, after.cpuSeconds - before.cpuSeconds - (after.userSeconds - before.userSeconds),
                        threadsAfter.entrySet().stream().map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.2f",
                                e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0.0))).filter(t -> !t.endsWith(" 0.00")).toList(),
                        after.ownUserSeconds - before.ownUserSeconds,
                        after.ownSeconds - before.ownSeconds - (after.ownUserSeconds - before.ownUserSeconds), clientThread);
                if (johns.strange() > 0) {
                    System.out.printf(Locale.ROOT, "  %,d messages were neither the event nor the handshake's or the heartbeat's%n", johns.strange());
                }
                long[] latencies = johns.latencies(warmup, rounds);
                return new Result(kind, k, r, (long) k * r, (last - first) / 1e9, latencies, after.cpuSeconds - before.cpuSeconds,
                        after.ownSeconds - before.ownSeconds, after.otherPercent(before), loadAverage(), (rss1 - rss0) / (double) k,
                        heap0 < 0 ? -1 : (heap1 - heap0) / (double) k, 0, others.unexpected());
            }
        }
    }

    /** The server under test, in a process of its own. */
    static final class Server implements AutoCloseable {

        enum Kind {
            NODE("guide's Node server"), APP("this app");

            final String label;

            Kind(String label) {
                this.label = label;
            }
        }

        final Kind kind;
        final Process process;
        final int httpPort;
        final int ioPort;

        private Server(Kind kind, Process process, int httpPort, int ioPort) {
            this.kind = kind;
            this.process = process;
            this.httpPort = httpPort;
            this.ioPort = ioPort;
        }

        static Server start(Kind kind, String nodePeer) throws Exception {
            int http = freePort();
            int io = kind == Kind.APP ? freePort() : http;
            String secret = Base64.getEncoder().encodeToString(new SecureRandom().generateSeed(48));
            ProcessBuilder builder;
            if (kind == Kind.APP) {
                // the finished app exactly as ./kata run starts it (exec:exec in app/pom.xml), with its JVM option
                List<String> command = new ArrayList<>(List.of(javaCommand(), "-XX:+UseParallelGC"));
                // a profiler, for instance: APP_JVM_OPTIONS="-XX:StartFlightRecording=filename=fanout.jfr"
                String options = System.getenv("APP_JVM_OPTIONS");
                if (options != null && !options.isBlank()) {
                    command.addAll(List.of(options.trim().split("\\s+")));
                }
                command.addAll(List.of("-classpath", classpath(), "kata.App"));
                builder = new ProcessBuilder(command);
                builder.environment().put("IO_PORT", String.valueOf(io));
                // thousands of handshakes from 127.0.0.1: the rate limits out of their way
                builder.environment().putAll(TestEnv.generousLimits());
            } else {
                builder = new ProcessBuilder("node", "server.js").directory(new File(nodePeer));
                builder.environment().put("QUIET", "1");
            }
            builder.environment().put("HOST", "127.0.0.1");
            builder.environment().put("PORT", String.valueOf(http));
            builder.environment().put("JWT_SECRET", secret);
            File log = File.createTempFile("fanout-" + kind.name().toLowerCase(Locale.ROOT), ".log");
            log.deleteOnExit();
            builder.redirectErrorStream(true).redirectOutput(log);
            Server server = new Server(kind, builder.start(), http, io);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!server.answers()) {
                if (!server.process.isAlive() || System.nanoTime() > deadline) {
                    server.close();
                    throw new IllegalStateException(kind.label + " did not start; its output: " + Files.readString(log.toPath()));
                }
                Thread.sleep(100); // polling for the port to open: there is nothing to wait on
            }
            return server;
        }

        boolean answers() {
            try {
                int status = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/login"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                return status > 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        String login(String user) throws Exception {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/login"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + user + "\",\"password\":\"changeit\"}"))
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            Matcher token = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"").matcher(response.body());
            if (response.statusCode() != 200 || !token.find()) {
                throw new IllegalStateException(kind.label + ": POST /login as " + user + " gave " + response.statusCode());
            }
            return token.group(1);
        }

        /** The guide's event to all of john's connections: the app's POST /notify, or the Node server's POST /notify/1. */
        void notifyUser(String johnsToken) throws Exception {
            HttpRequest.Builder request = kind == Kind.APP
                    ? HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/notify")).header("Authorization", "Bearer " + johnsToken)
                    : HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/notify/1"));
            int status = HTTP.send(request.POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status != 200 && status != 204) {
                throw new IllegalStateException(kind.label + ": POST /notify gave " + status);
            }
        }

        long pid() {
            return process.pid();
        }

        InetSocketAddress socketIo() {
            return new InetSocketAddress("127.0.0.1", ioPort);
        }

        /** FANOUT_JFR=/tmp/fanout: a flight recording of the app over the measured events, /tmp/fanout-K.jfr. */
        void startProfile() throws Exception {
            if (kind == Kind.APP && System.getenv("FANOUT_JFR") != null) {
                jcmd("JFR.start", "name=fanout", "settings=profile");
            }
        }

        void stopProfile(int k) throws Exception {
            if (kind == Kind.APP && System.getenv("FANOUT_JFR") != null) {
                System.out.println(jcmd("JFR.stop", "name=fanout", "filename=" + System.getenv("FANOUT_JFR") + "-" + k + ".jfr").trim());
            }
        }

        long rssKb() throws IOException {
            Matcher rss = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/" + pid() + "/status")));
            return rss.find() ? Long.parseLong(rss.group(1)) : -1;
        }

        /** The Java heap in use after a full collection (jcmd), or -1 for the Node server. */
        long heapKb() throws Exception {
            if (kind != Kind.APP) {
                return -1;
            }
            jcmd("GC.run");
            // G1: "garbage-first heap total ..., used 1234K"; Parallel: the young and the old generation apart
            long kb = 0;
            for (String line : jcmd("GC.heap_info").split("\n")) {
                Matcher used = Pattern.compile("^\\s*(garbage-first heap|PSYoungGen|ParOldGen|def new generation|tenured generation)"
                        + ".*used (\\d+)K").matcher(line);
                if (used.find()) {
                    kb += Long.parseLong(used.group(2));
                }
            }
            return kb;
        }

        private String jcmd(String... command) throws Exception {
            List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid())));
            line.addAll(List.of(command));
            Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        }

        private static String javaCommand() {
            return Path.of(System.getProperty("java.home"), "bin", "java").toString();
        }

        /** This JVM's classpath: exec:java keeps the project's in the context class loader, not in java.class.path. */
        private static String classpath() {
            List<String> entries = new ArrayList<>();
            for (ClassLoader loader = Thread.currentThread().getContextClassLoader(); loader != null; loader = loader.getParent()) {
                if (loader instanceof URLClassLoader urls) {
                    for (URL url : urls.getURLs()) {
                        try {
                            entries.add(Path.of(url.toURI()).toString());
                        } catch (Exception e) {
                            // not a file: not for a classpath
                        }
                    }
                }
            }
            return entries.isEmpty() ? System.getProperty("java.class.path") : String.join(File.pathSeparator, entries);
        }
    }

    /**
     * Fails before connecting when the server or this JVM cannot hold K more sockets: each connection is one
     * open file on both sides. The JVM (MaxFDLimit, on by default) and Node raise their own soft limit to the
     * hard one when they start, so the hard limit of the shell that runs ./kata is the one that counts, and
     * only root (CAP_SYS_RESOURCE) can raise it.
     */
    static void requireOpenFiles(Server.Kind kind, long pid, int k) throws IOException {
        for (String who : List.of(String.valueOf(pid), "self")) {
            long limit = openFilesLimit(who);
            long open;
            try (var fds = Files.list(Path.of("/proc/" + who + "/fd"))) {
                open = fds.count();
            }
            long needed = open + k + OTHER_USERS_CONNECTIONS + 100; // 100: the HTTP client, sockets still closing, selectors
            String name = who.equals("self") ? "this JVM (the client)" : kind.label + " (pid " + pid + ")";
            System.out.printf(Locale.ROOT, "  %s: %,d files open, limit %s%n", name, open, limit == Long.MAX_VALUE ? "unlimited" : limit);
            if (limit < needed) {
                throw new IllegalStateException(String.format(Locale.ROOT, "%,d connections need about %,d open files in %s, whose limit"
                        + " is %,d (Max open files in /proc/%s/limits). The JVM and Node raise their soft limit to the hard one: raise"
                        + " the hard limit of the shell that runs ./kata (as root: ulimit -Hn 65536), or lower FANOUT_K.", k, needed, name,
                        limit, who));
            }
        }
    }

    /** The soft limit of open files of a process ("self" or a pid), from /proc/PID/limits. */
    static long openFilesLimit(String pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/limits"))) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
            }
        }
        return Long.MAX_VALUE;
    }

    /** CPU time of each thread of a process, summed by name with the digits left out (Linux's 15 first characters). */
    static java.util.Map<String, Double> threadCpu(long pid) throws IOException {
        java.util.Map<String, Double> byName = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("\\d+", "N");
                    byName.merge(name, Sample.cpu(task.resolve("stat")), Double::sum);
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return byName;
    }

    /**
     * How many times the threads of process {@code pid} have been switched out so far (voluntary and not,
     * from /proc): a server whose threads wait pays a switch each time one is woken.
     */
    static long contextSwitches(long pid) throws IOException {
        long switches = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            switches += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return switches;
    }

    /** CPU time of the server process, of this JVM (the client) and of the whole machine, from /proc. */
    record Sample(long at, double cpuSeconds, double userSeconds, double machineBusySeconds, double ownSeconds, double ownUserSeconds) {

        static Sample of(long pid) throws IOException {
            Path stat = Path.of("/proc/" + pid + "/stat");
            Path own = Path.of("/proc/self/stat");
            return new Sample(System.nanoTime(), cpu(stat), user(stat), machineBusy(), cpu(own), user(own));
        }

        private static double user(Path stat) throws IOException {
            String text = Files.readString(stat);
            return Long.parseLong(text.substring(text.lastIndexOf(')') + 2).split(" ")[11]) / (double) CLOCK_TICKS;
        }

        /** What neither the server nor this client used meanwhile, in % of one core. */
        double otherPercent(Sample before) {
            double wall = (at - before.at) / 1e9;
            double other = (machineBusySeconds - before.machineBusySeconds) - (cpuSeconds - before.cpuSeconds) - (ownSeconds - before.ownSeconds);
            return Math.max(0, 100 * other / wall);
        }

        private static double cpu(Path stat) throws IOException {
            String text = Files.readString(stat);
            String[] fields = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) CLOCK_TICKS;
        }

        private static double machineBusy() throws IOException {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i <= 8 && i < cpu.length; i++) {
                total += Long.parseLong(cpu[i]);
            }
            long idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
            return (total - idle) / (double) CLOCK_TICKS;
        }
    }

    record Result(Fanout.Server.Kind kind, int k, int r, long deliveries, double seconds, long[] latencies, double serverCpuSeconds,
            double clientCpuSeconds, double otherPercent, String load, double rssKbPerConnection, double heapKbPerConnection, long lost, int leaked) {

        static final String HEADER = "| connections of john | server | deliveries/s | p50 / p99 delivery | server CPU per 1,000 deliveries"
                + " | client CPU per 1,000 deliveries | RSS growth per connection | heap per connection | lost | oth CPU% / load |\n"
                + "|---|---|---:|---:|---:|---:|---:|---:|---:|---|";

        static Result lost(Fanout.Server.Kind kind, int k, long lost, String why) {
            System.out.printf(Locale.ROOT, "  %s, K=%d: %,d connections never got an event%s%n", kind.label, k, lost,
                    why == null ? "" : "; the first connection that broke: " + why);
            return new Result(kind, k, 0, 0, 0, new long[0], 0, 0, 0, loadAverage(), 0, 0, lost, 0);
        }

        String row() {
            if (lost > 0 || deliveries == 0) {
                return String.format(Locale.ROOT, "| %,d | %s | - | - | - | - | - | - | %d | %s |", k, kind.label, lost, load);
            }
            return String.format(Locale.ROOT, "| %,d | %s | %,.0f | %.1f / %.1f ms | %.1f ms | %.1f ms | %.0f KB | %s | %d%s | %.0f / %s |",
                    k, kind.label, deliveries / seconds, millis(50), millis(99), 1000 * 1000 * serverCpuSeconds / deliveries,
                    1000 * 1000 * clientCpuSeconds / deliveries, rssKbPerConnection, heapKbPerConnection < 0 ? "-" : String.format(Locale.ROOT, "%.1f KB", heapKbPerConnection),
                    lost, leaked > 0 ? " (" + leaked + " to jane!)" : "", otherPercent, load);
        }

        private double millis(int percentile) {
            int i = Math.min(latencies.length - 1, Math.max(0, (int) Math.ceil(percentile / 100.0 * latencies.length) - 1));
            return latencies[i] / 1e6;
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
            return Long.parseLong(new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim());
        } catch (IOException | RuntimeException e) {
            return 100;
        }
    }

    static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").start();
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static int[] ints(String name, String fallback) {
        String value = System.getenv(name);
        return Arrays.stream((value == null || value.isBlank() ? fallback : value).split(",")).map(String::trim).mapToInt(Integer::parseInt)
                .toArray();
    }
}
