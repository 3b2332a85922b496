package cli;

import static cli.Disk.HOME;
import static cli.Disk.ROOT;
import static cli.Disk.deleteRecursively;
import static cli.Disk.read;
import static cli.Disk.relative;
import static cli.Main.OUT;
import static cli.Programs.WINDOWS;
import static cli.Programs.env;
import static cli.Programs.onPath;
import static cli.Programs.parse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ./kata cluster: step 10 on one machine, a Redis, two nodes and HAProxy in front of them. */
final class Cluster {

    private Cluster() {
    }

    /**
     * Step 10 on one machine, as production would run it: a redis-server of its own (unless REDIS_URL
     * names one), two nodes of the finished app (or of the learner's step NN), and HAProxy in front of them on PORT and IO_PORT, round
     * robin on HTTP and sticky by cookie on Socket.IO (not with --no-sticky). Ctrl-C or a TERM stops all
     * of it. HAProxy's configuration is tools/haproxy.cfg, which the tests' balancer uses too.
     */
    static int cluster(List<String> args) throws Exception {
        boolean sticky = !args.remove("--no-sticky");
        Path main = RunApp.finishedApp();
        String module = "app";
        String what = "the finished app";
        if (!args.isEmpty()) {
            Step step = Steps.argument(args, "cluster");
            if (!step.clusters()) {
                throw new Problem("Step " + step.number() + " runs alone: ./kata cluster NN works from step 10 on, where nodes share through Redis.");
            }
            main = step.main();
            module = step.module();
            what = "your step " + step.number();
        }
        String haproxy = installed("haproxy");
        if (haproxy == null) {
            throw new Problem("haproxy is not installed, and ./kata cluster puts it in front of the nodes: apt-get install haproxy"
                    + " (macOS: brew install haproxy)");
        }
        String redisUrl = System.getenv("REDIS_URL");
        String redisServer = installed("redis-server");
        if ((redisUrl == null || redisUrl.isBlank()) && redisServer == null) {
            throw new Problem("redis-server is not installed, and ./kata cluster starts one: apt-get install redis-server"
                    + " (macOS: brew install redis), or set REDIS_URL to a Redis of yours");
        }
        String host = env("HOST", "127.0.0.1");
        int port = parse(System.getenv("PORT"), 3000);
        int ioPort = parse(System.getenv("IO_PORT"), 3001);
        RunApp.webDependencies(false);
        List<String> classpath = RunApp.compiledApp(main, module, what, HOME.resolve("build").resolve("cluster"));
        Path dir = HOME.resolve("cluster");
        deleteRecursively(dir);
        Files.createDirectories(dir);

        Started cluster = new Started();
        // Ctrl-C reaches every process of the foreground group, each of which stops by itself; a TERM to
        // this one alone stops them too. Either way this command ends with 0, as ./kata run does
        for (String signal : List.of("INT", "TERM")) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> cluster.stopping());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::stop, "stop-the-cluster"));
        try {
            if (redisUrl == null || redisUrl.isBlank()) {
                int redisPort = freePort();
                // its log in .kata/cluster/redis.log: nothing a demo needs on screen
                Process redis = cluster.start("redis", List.of(redisServer, "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
                        "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--logfile", dir.resolve("redis.log").toString()),
                        Map.of(), line -> { });
                redisUrl = "redis://127.0.0.1:" + redisPort;
                cluster.awaitListening("redis-server", redis, redisPort);
                OUT.println("[cluster] redis-server, pid " + redis.pid() + ": " + redisUrl + " (its own: nothing saved; REDIS_URL names another)");
            }
            // one key for both nodes (a token from one is good on the other), made up for this run unless given
            String secret = env("JWT_SECRET", java.util.Base64.getEncoder().encodeToString(new java.security.SecureRandom().generateSeed(48)));
            Map<String, String> nodeEnv = new LinkedHashMap<>(Map.of("HOST", "127.0.0.1", "PORT", "0", "IO_PORT", "0", "REDIS_URL", redisUrl,
                    "JWT_SECRET", secret, "PUBLIC_PORT", String.valueOf(port), "PUBLIC_IO_PORT", String.valueOf(ioPort)));
            List<Process> nodes = new ArrayList<>();
            List<java.util.concurrent.CompletableFuture<int[]>> listening = new ArrayList<>();
            Pattern running = Pattern.compile("running at: http://[^:]+:(\\d+) \\(Socket\\.IO on port (\\d+)\\)");
            for (String name : List.of("A", "B")) {
                java.util.concurrent.CompletableFuture<int[]> ready = new java.util.concurrent.CompletableFuture<>();
                listening.add(ready);
                nodes.add(cluster.start(name, RunApp.appCommand(classpath), nodeEnv, line -> {
                    Matcher m = running.matcher(line);
                    if (m.find()) {
                        ready.complete(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
                    }
                }));
            }
            List<int[]> ports = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                ports.add(cluster.await("node " + (char) ('A' + i), nodes.get(i), listening.get(i)));
            }
            Path config = dir.resolve("haproxy.cfg");
            StringBuilder httpServers = new StringBuilder();
            StringBuilder ioServers = new StringBuilder();
            for (int i = 0; i < nodes.size(); i++) {
                String name = String.valueOf((char) ('A' + i));
                httpServers.append(i > 0 ? "\n" : "").append("    server ").append(name).append(" 127.0.0.1:").append(ports.get(i)[0]);
                ioServers.append(i > 0 ? "\n" : "").append("    server ").append(name).append(" 127.0.0.1:").append(ports.get(i)[1])
                        .append(sticky ? " cookie " + name : "");
            }
            // the same blanks, filled the same way, as the tests' balancer (harness/src/main/java/kata/harness/Balancer.java)
            Files.writeString(config, read(ROOT.resolve("tools/haproxy.cfg")).replace("${HOST}", host)
                    .replace("${PORT}", String.valueOf(port)).replace("${IO_PORT}", String.valueOf(ioPort))
                    .replace("${HTTP_SERVERS}", httpServers).replace("${IO_SERVERS}", ioServers)
                    .replace("${STICKY}", sticky ? "    cookie SERVERID insert indirect nocache" : "    # no stickiness: each request to the next node"),
                    StandardCharsets.UTF_8);
            Process balancer = cluster.start("balancer", List.of(haproxy, "-db", "-f", config.toString()), Map.of(), line -> { });
            cluster.awaitListening("haproxy", balancer, ioPort);
            cluster.awaitListening("haproxy", balancer, port);
            cluster.serving = true;
            for (int i = 0; i < nodes.size(); i++) {
                OUT.println("[cluster] node " + (char) ('A' + i) + ", pid " + nodes.get(i).pid() + ": http://127.0.0.1:" + ports.get(i)[0]
                        + ", Socket.IO on port " + ports.get(i)[1]);
            }
            String shown = host.equals("127.0.0.1") ? "localhost" : host;
            OUT.println("[cluster] HAProxy, pid " + balancer.pid() + ": http://" + shown + ":" + port + " (round robin), Socket.IO on port "
                    + ioPort + (sticky ? " (sticky: the cookie SERVERID names the node)" : " (round robin: NOT sticky)") + "; " + relative(config));
            OUT.println("[cluster] " + probe(host, ioPort));
            if (!sticky) {
                OUT.println("[cluster] the page still works: it goes straight to websocket, one connection that needs no stickiness;"
                        + " clients that start with polling (the tests' Java client, a browser behind a proxy that blocks websockets) fail");
            }
            OUT.println("[cluster] open http://" + shown + ":" + port + " and log in as john / changeit. Ctrl-C stops everything.");
            balancer.waitFor();
        } catch (Problem p) {
            if (!cluster.stopping) {
                throw p;
            }
            // Ctrl-C while it started: no problem of anyone's
        } finally {
            cluster.stop();
        }
        return 0;
    }

    /**
     * A polling session through the balancer: its handshake, then one request of it (a NOOP packet). With
     * stickiness both reach the same node; without, the next request goes to the other node, which
     * answers 400 "Session ID unknown": what every polling client then meets.
     */
    static String probe(String host, int ioPort) {
        var http = java.net.http.HttpClient.newBuilder().cookieHandler(new java.net.CookieManager())
                .connectTimeout(Duration.ofSeconds(2)).build();
        String base = "http://" + host + ":" + ioPort + "/socket.io/?EIO=4&transport=polling";
        try {
            var open = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base)).timeout(Duration.ofSeconds(5)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            Matcher sid = Pattern.compile("\"sid\":\"([^\"]+)\"").matcher(open.body());
            if (!sid.find()) {
                return "probe: the handshake through the balancer got " + open.statusCode() + " " + open.body();
            }
            String url = base + "&sid=" + sid.group(1);
            var noop = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(5))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("6")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            String first = open.headers().firstValue("x-served-by").orElse("?");
            String next = noop.headers().firstValue("x-served-by").orElse("?");
            // the session is of no use: it goes, on the node that knows it
            http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).timeout(Duration.ofSeconds(5))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("1")).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
            return "probe: a polling session's handshake was answered by node " + first + ", its next request by node " + next + ": "
                    + noop.statusCode() + " " + noop.body() + (noop.statusCode() == 200 ? "" : " (what polling clients meet without stickiness)");
        } catch (IOException e) {
            return "probe: no answer through the balancer: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "probe: interrupted";
        }
    }

    /** The processes of ./kata cluster, their output prefixed with their name; stopped in reverse order. */
    static final class Started {
        private final List<Process> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile boolean stopping;
        /** Once the balancer listens. */
        volatile boolean serving;

        Process start(String name, List<String> command, Map<String, String> env, Consumer<String> watch) throws IOException {
            ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
            builder.environment().putAll(env);
            Process process = builder.start();
            started.add(process);
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                        OUT.println("[" + name + "] " + line);
                        watch.accept(line);
                    }
                } catch (IOException e) {
                    // the process is gone
                }
                try {
                    int exit = process.waitFor();
                    if (!stopping) {
                        OUT.println("[cluster] " + name + " (pid " + process.pid() + ") ended, exit code " + exit
                                + (serving && name.length() == 1 ? ": the balancer sends its requests to the other node" : ""));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "cluster-" + name);
            reader.setDaemon(true);
            reader.start();
            return process;
        }

        /** Waits (bounded) for what the process says when it is ready. */
        int[] await(String what, Process process, java.util.concurrent.CompletableFuture<int[]> ready) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!ready.isDone()) {
                if (!process.isAlive()) {
                    throw new Problem(what + " stopped at start (exit code " + process.exitValue() + "): its lines above say why.");
                }
                if (System.nanoTime() > deadline) {
                    throw new Problem(what + " did not say where it listens within 60 s.");
                }
                Thread.sleep(20);
            }
            return ready.get();
        }

        /** Waits (bounded) until the process accepts connections on this port. */
        void awaitListening(String what, Process process, int port) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (true) {
                try (java.net.Socket socket = new java.net.Socket()) {
                    socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
                    return;
                } catch (IOException e) {
                    if (!process.isAlive()) {
                        throw new Problem(what + " stopped at start (exit code " + process.exitValue() + "): its lines above say why.");
                    }
                    if (System.nanoTime() > deadline) {
                        throw new Problem(what + " does not listen on port " + port + " after 10 s.");
                    }
                    Thread.sleep(20);
                }
            }
        }

        /** Ctrl-C or TERM: the balancer goes first, which ends the wait of ./kata cluster. */
        void stopping() {
            stopping = true;
            started.stream().filter(Process::isAlive).reduce((first, last) -> last).ifPresent(Process::destroy);
        }

        /** Stops what still runs, the last started first: the balancer, the nodes (each closes itself), then Redis. */
        synchronized void stop() {
            stopping = true;
            List<Process> reversed = new ArrayList<>(started);
            java.util.Collections.reverse(reversed);
            for (Process process : reversed) {
                if (process.isAlive()) {
                    process.destroy();
                    try {
                        if (!process.waitFor(10, TimeUnit.SECONDS)) {
                            process.destroyForcibly();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        process.destroyForcibly();
                    }
                }
            }
        }
    }

    /** A program on PATH, or in Debian's /usr/sbin (not on every user's PATH), or null. */
    static String installed(String program) {
        for (String name : WINDOWS ? List.of(program + ".exe") : List.of(program)) {
            if (onPath(name)) {
                return name;
            }
            for (String dir : List.of("/usr/sbin", "/usr/local/sbin")) {
                if (!WINDOWS && Files.isExecutable(Path.of(dir, name))) {
                    return Path.of(dir, name).toString();
                }
            }
        }
        return null;
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
