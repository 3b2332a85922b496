package kata.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kata.bench.Fanout.Server;

/**
 * Logins, token checks and Socket.IO handshakes of the finished app side by side with the guide's Node
 * server, driven by one client for both: the Node peer's {@code load.js} (the official JavaScript
 * socket.io-client under Node, 16 in flight). A plain {@code main}:
 *
 * <pre>
 * NODE_PEER=../shared/peers/node-jwt LOAD_CLIENT=../shared/peers/load ./kata bench handshakes
 * </pre>
 *
 * <p>{@code NODE_PEER} and {@code LOAD_CLIENT} name the peer's folders, each after {@code npm ci} there.
 * Each server runs in a process of its own ({@link Server}: the app exactly as {@code ./kata run} starts
 * it). The app is warmed up first, long: its C2 compiler keeps compiling for tens of thousands of
 * handshakes, and its CPU would be counted in the app's figures (FACTS.md). Then the rounds alternate the
 * two servers, so that both see the same machine. A figure is the median over the rounds of: operations
 * per second, and the server process's CPU time (user + system, from /proc) over the phase divided by its
 * operations. Linux only.
 *
 * <p>Settings: {@code HANDSHAKES_N} operations per phase (3,000), {@code HANDSHAKES_WARMUP} warm-up runs of
 * the app (12), {@code HANDSHAKES_ROUNDS} measured rounds (5), {@code HANDSHAKES_PHASES} the phases to run
 * (all six; e.g. {@code connect-polling} for the one an A/B is about: with one phase, the server's context
 * switches per operation are printed too).
 */
public final class Handshakes {

    static final String COMMAND = "NODE_PEER=../shared/peers/node-jwt LOAD_CLIENT=../shared/peers/load ./kata bench handshakes";

    /** load.js's phases, in its order, and what the table calls them. */
    private static final Map<String, String> PHASES = new LinkedHashMap<>();

    static {
        PHASES.put("login", "POST /login");
        PHASES.put("self", "GET /self");
        PHASES.put("connect-polling", "polling first: handshake, CONNECT, whoami, upgrade, close");
        PHASES.put("connect-websocket", "websocket: handshake, CONNECT, whoami, close");
        PHASES.put("reject-polling", "refused, polling (bad signature)");
        PHASES.put("reject-websocket", "refused, websocket (bad signature)");
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private Handshakes() {
    }

    public static void main(String[] args) throws Exception {
        String nodePeer = required("NODE_PEER", "server.js");
        String loadClient = required("LOAD_CLIENT", "load.js");
        int n = setting("HANDSHAKES_N", 3000);
        int warmup = setting("HANDSHAKES_WARMUP", 12);
        int rounds = setting("HANDSHAKES_ROUNDS", 5);
        String phases = System.getenv("HANDSHAKES_PHASES");
        if (phases != null && !phases.isBlank()) {
            List<String> chosen = List.of(phases.trim().split("\\s*,\\s*"));
            if (!PHASES.keySet().containsAll(chosen)) {
                throw new IllegalArgumentException("HANDSHAKES_PHASES: phases of " + PHASES.keySet() + ", not " + chosen);
            }
            PHASES.keySet().retainAll(chosen);
        }
        System.out.printf("%s; %d cores, Java %s, %s; %d operations a phase, %d warm-up runs of the app, %d rounds; load %s%n",
                Instant.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                "Node " + Fanout.nodeVersion(), n, warmup, rounds, Fanout.loadAverage());
        Map<Server.Kind, List<JsonNode>> runs = new EnumMap<>(Server.Kind.class);
        Map<Server.Kind, Double> compilers = new EnumMap<>(Server.Kind.class);
        Map<Server.Kind, List<Double>> switches = new EnumMap<>(Server.Kind.class);
        try (Server app = Server.start(Server.Kind.APP, null); Server node = Server.start(Server.Kind.NODE, nodePeer)) {
            for (int i = 0; i < warmup; i++) {
                load(loadClient, app, n);
            }
            load(loadClient, node, n);
            double compiling = 0;
            for (int round = 0; round < rounds; round++) {
                List<Server> order = new ArrayList<>(List.of(app, node));
                if (round % 2 == 1) {
                    Collections.reverse(order);
                }
                for (Server server : order) {
                    Map<String, Double> before = Fanout.threadCpu(server.pid());
                    long switchedBefore = Fanout.contextSwitches(server.pid());
                    JsonNode run = load(loadClient, server, n);
                    runs.computeIfAbsent(server.kind, kind -> new ArrayList<>()).add(run);
                    switches.computeIfAbsent(server.kind, kind -> new ArrayList<>())
                            .add((Fanout.contextSwitches(server.pid()) - switchedBefore) / (double) operationsOfRun(run));
                    if (server.kind == Server.Kind.APP) {
                        compiling += compilerSeconds(Fanout.threadCpu(server.pid())) - compilerSeconds(before);
                    }
                }
            }
            compilers.put(Server.Kind.APP, compiling);
        }
        print(runs, compilers.get(Server.Kind.APP), rounds);
        if (PHASES.size() == 1) {
            System.out.printf("Context switches of the server's threads per operation (median): Node %.1f, app %.1f%n",
                    median(switches.get(Server.Kind.NODE)), median(switches.get(Server.Kind.APP)));
        }
    }

    /** The operations of a run's phases, all of them: per phase when the run has one. */
    private static long operationsOfRun(JsonNode run) {
        long operations = 0;
        for (String phase : PHASES.keySet()) {
            operations += operations(run.path("phases").path(phase));
        }
        return Math.max(1, operations);
    }

    private static long operations(JsonNode phase) {
        return phase.has("connects") ? phase.path("connects").asLong() : phase.path("ok").asLong() + failed(phase);
    }

    /** One run of load.js against {@code server}: its JSON summary. Fails when a check of load.js failed. */
    private static JsonNode load(String loadClient, Server server, int n) throws Exception {
        File json = File.createTempFile("handshakes-", ".json");
        json.deleteOnExit();
        List<String> command = List.of("node", "load.js",
                "--url", "http://127.0.0.1:" + server.httpPort, "--io-url", "http://127.0.0.1:" + server.ioPort,
                "--server-pid", String.valueOf(server.pid()), "--phases", String.join(",", PHASES.keySet()),
                "--n", String.valueOf(n), "--n-conn", String.valueOf(n), "--n-reject", String.valueOf(n),
                "--phase-seconds", "60", "--max-seconds", "400", "--json", json.getAbsolutePath());
        Process process = new ProcessBuilder(command).directory(new File(loadClient))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(false)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(450, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("load.js did not end within 450 s against " + server.kind.label);
        }
        JsonNode summary = JSON.readTree(json);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("load.js exited " + process.exitValue() + " against " + server.kind.label
                    + ": a check failed or a phase was cut short; its checks: " + summary.path("checks"));
        }
        return summary;
    }

    private static void print(Map<Server.Kind, List<JsonNode>> runs, double appCompilerSeconds, int rounds) {
        System.out.println();
        System.out.println("| operation | Node: per s | app: per s | rate app / Node | Node: CPU per op | app: CPU per op | CPU app / Node | failed (app) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, String> phase : PHASES.entrySet()) {
            double nodeRate = median(runs.get(Server.Kind.NODE), phase.getKey(), Handshakes::rate);
            double appRate = median(runs.get(Server.Kind.APP), phase.getKey(), Handshakes::rate);
            double nodeCpu = median(runs.get(Server.Kind.NODE), phase.getKey(), Handshakes::cpuMillisPerOperation);
            double appCpu = median(runs.get(Server.Kind.APP), phase.getKey(), Handshakes::cpuMillisPerOperation);
            long failed = runs.get(Server.Kind.APP).stream().mapToLong(run -> failed(run.path("phases").path(phase.getKey()))).sum();
            System.out.printf("| %s | %,.0f | %,.0f | %.2fx | %.3f ms | %.3f ms | %.2fx | %d |%n", phase.getValue(),
                    nodeRate, appRate, appRate / nodeRate, nodeCpu, appCpu, appCpu / nodeCpu, failed);
        }
        System.out.printf("%nMedians of %d rounds. The app's JIT compilers used %.2f s of CPU over all the measured rounds"
                + " (counted in its figures).%nOther CPU on the machine, in %% of one core, per phase and run (app | Node): %s%n",
                rounds, appCompilerSeconds, otherCpu(runs));
        System.out.println("Command: " + COMMAND);
    }

    private static double rate(JsonNode phase) {
        return phase.path("rate_per_s").asDouble();
    }

    private static double cpuMillisPerOperation(JsonNode phase) {
        return 1000 * phase.path("server").path("cpu_s").asDouble() / Math.max(1, operations(phase));
    }

    private static long failed(JsonNode phase) {
        return phase.has("failed") ? phase.path("failed").asLong() : Math.max(0, phase.path("n").asLong() - phase.path("ok").asLong());
    }

    private interface Figure {
        double of(JsonNode phase);
    }

    private static double median(List<JsonNode> runs, String phase, Figure figure) {
        return median(runs.stream().map(run -> figure.of(run.path("phases").path(phase))).toList());
    }

    private static double median(List<Double> figures) {
        double[] values = figures.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int middle = values.length / 2;
        return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    private static String otherCpu(Map<Server.Kind, List<JsonNode>> runs) {
        double max = 0;
        for (List<JsonNode> list : runs.values()) {
            for (JsonNode run : list) {
                for (String phase : PHASES.keySet()) {
                    max = Math.max(max, run.path("phases").path(phase).path("machine").path("other_pct_of_one_core").asDouble());
                }
            }
        }
        return "at most " + Math.round(max) + " %";
    }

    private static double compilerSeconds(Map<String, Double> byThread) {
        return byThread.entrySet().stream().filter(e -> e.getKey().contains("CompilerThre")).mapToDouble(Map.Entry::getValue).sum();
    }

    private static String required(String variable, String file) {
        String folder = System.getenv(variable);
        if (folder == null || !Files.isRegularFile(Path.of(folder, file)) || !Files.isDirectory(Path.of(folder, "node_modules"))) {
            throw new IllegalStateException(variable + " must name the Node peer's folder that holds " + file
                    + ", after npm ci there; usage: " + COMMAND);
        }
        return folder;
    }

    private static int setting(String variable, int otherwise) {
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? otherwise : Integer.parseInt(value.trim());
    }
}
