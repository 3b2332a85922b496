package kata.bench;

import io.socket.client.IO;
import io.socket.client.Socket;
import io.socket.engineio.client.transports.WebSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import kata.App;
import kata.Config;
import kata.harness.TestEnv;
import kata.harness.TokenForge;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * How soon the finished app ends a connection whose token expired, and how soon POST /logout ends
 * every tab of its token: the delay from the token's {@code exp} to the client's {@code session_ended}
 * event (p50/p99 over many sockets), and from sending POST /logout to the last tab's event.
 *
 * <pre>
 * mvn -q -pl app test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=kata.bench.LifetimeBenchmark
 * </pre>
 *
 * <p>Clients (the Java socket.io-client, websocket only, the token in the auth payload) and server share
 * this JVM, over loopback. Times are the client's receipt of the event, so they include its delivery.
 */
public final class LifetimeBenchmark {

    static final int SOCKETS = 300;
    static final int LOGOUT_ROUNDS = 50;
    static final int TABS = 5;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    /** One OkHttp client for every socket, without OkHttp's default of 5 running calls per host (a websocket is one). */
    static final OkHttpClient SOCKETS_HTTP = sockets();

    static OkHttpClient sockets() {
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(10_000);
        dispatcher.setMaxRequestsPerHost(10_000);
        return new OkHttpClient.Builder().dispatcher(dispatcher).build();
    }

    public static void main(String[] args) throws Exception {
        // 20 s tokens: time enough to open every socket before the first one expires
        Map<String, String> env = new HashMap<>(TestEnv.variables());
        env.put("TOKEN_LIFETIME", "20");
        App app = App.start(Config.fromEnvironment(env));
        String url = "http://127.0.0.1:" + app.ioPort();
        try {
            System.out.println("warm-up: " + SOCKETS + " connections and " + LOGOUT_ROUNDS + " logouts");
            logouts(app, url, LOGOUT_ROUNDS);
            expiries(app, url, SOCKETS);
            System.out.println("measured:");
            double[] expiry = expiries(app, url, SOCKETS);
            double[] logout = logouts(app, url, LOGOUT_ROUNDS);
            System.out.printf(Locale.ROOT, "| exp to session_ended, %d sockets | p50 %.0f ms | p99 %.0f ms | max %.0f ms |%n",
                    expiry.length, percentile(expiry, 0.5), percentile(expiry, 0.99), percentile(expiry, 1));
            System.out.printf(Locale.ROOT, "| POST /logout to the last of %d tabs' session_ended, %d rounds | p50 %.1f ms | p99 %.1f ms | max %.1f ms |%n",
                    TABS, logout.length, percentile(logout, 0.5), percentile(logout, 0.99), percentile(logout, 1));
        } catch (Exception e) {
            e.printStackTrace();
            app.close();
            System.exit(1);
        }
        app.close();
        System.exit(0);
    }

    /** Opens n sockets, each with its own token, and waits for every one to be ended at its exp. */
    static double[] expiries(App app, String url, int n) throws Exception {
        CountDownLatch ended = new CountDownLatch(n);
        ConcurrentLinkedQueue<Double> delays = new ConcurrentLinkedQueue<>();
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String token = login(app.httpPort(), i % 2 == 0 ? "john" : "jane");
            long expMillis = TokenForge.decode(token).claims().get("exp").asLong() * 1000;
            Socket socket = open(url, token);
            socket.on("session_ended", args -> {
                delays.add((double) (System.currentTimeMillis() - expMillis));
                ended.countDown();
            });
            connect(socket);
            sockets.add(socket);
        }
        if (!ended.await(60, TimeUnit.SECONDS)) {
            System.out.println("  only " + (n - ended.getCount()) + " of " + n + " sockets were ended");
        }
        sockets.forEach(Socket::close);
        double[] sorted = delays.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "  expiry: %d sockets, exp to session_ended p50 %.0f ms, p99 %.0f ms, min %.0f ms, max %.0f ms%n",
                sorted.length, percentile(sorted, 0.5), percentile(sorted, 0.99), sorted[0], percentile(sorted, 1));
        return sorted;
    }

    /** Rounds of: one login, TABS sockets with its token, POST /logout, until the last tab is told. */
    static double[] logouts(App app, String url, int rounds) throws Exception {
        double[] millis = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            String token = login(app.httpPort(), "john");
            CountDownLatch ended = new CountDownLatch(TABS);
            long[] last = new long[1];
            List<Socket> tabs = new ArrayList<>();
            for (int t = 0; t < TABS; t++) {
                Socket socket = open(url, token);
                socket.on("session_ended", args -> {
                    synchronized (last) {
                        last[0] = Math.max(last[0], System.nanoTime());
                    }
                    ended.countDown();
                });
                connect(socket);
                tabs.add(socket);
            }
            long start = System.nanoTime();
            HttpResponse<String> reply = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort() + "/logout"))
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (reply.statusCode() != 200 || !ended.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("logout round " + r + ": " + reply.statusCode() + " " + reply.body()
                        + ", " + ended.getCount() + " tabs not ended");
            }
            millis[r] = (last[0] - start) / 1e6;
            tabs.forEach(Socket::close);
        }
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "  logout: %d rounds of %d tabs, request to the last tab's session_ended p50 %.1f ms, p99 %.1f ms%n",
                rounds, TABS, percentile(sorted, 0.5), percentile(sorted, 0.99));
        return sorted;
    }

    static Socket open(String url, String token) {
        IO.Options options = IO.Options.builder().setForceNew(true).setReconnection(false)
                .setTransports(new String[] {WebSocket.NAME}).setAuth(Map.of("token", token)).build();
        options.callFactory = SOCKETS_HTTP;
        options.webSocketFactory = SOCKETS_HTTP;
        return IO.socket(URI.create(url), options);
    }

    static void connect(Socket socket) throws InterruptedException {
        CountDownLatch connected = new CountDownLatch(1);
        socket.once(Socket.EVENT_CONNECT, args -> connected.countDown());
        socket.connect();
        if (!connected.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("a socket did not connect within 10 s");
        }
    }

    static String login(int httpPort, String username) throws Exception {
        HttpResponse<String> reply = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + username + "\",\"password\":\"changeit\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        return new org.json.JSONObject(reply.body()).getString("token");
    }

    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
