package kata.bench;

import io.socket.client.Ack;
import io.socket.client.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import kata.App;
import kata.Config;
import kata.harness.RedisServer;
import kata.harness.TestEnv;
import org.json.JSONObject;

/**
 * How long step 11's refresh and reauth take, one at a time, as a page makes them: {@code POST /refresh}
 * (verify the refresh token, rotate the family, sign an access token) on one node in memory and on a node
 * of several (the family in Redis), and a {@code reauth} on a live websocket connection (verify the token,
 * move the connection's timers, ack). After a warm-up of the same size, each run measured in turn.
 *
 * <pre>
 * mvn -q -pl app test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=kata.bench.RefreshBenchmark
 * </pre>
 */
public final class RefreshBenchmark {

    static final int WARM_UP = 5_000;
    static final int MEASURED = 5_000;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        App alone = App.start(Config.fromEnvironment(TestEnv.variables()));
        try {
            refreshes("one node, in memory", alone);
            reauths(alone);
        } finally {
            alone.close();
        }
        try (RedisServer redis = RedisServer.started()) {
            {
                Map<String, String> env = new HashMap<>(TestEnv.variables());
                env.put("REDIS_URL", redis.url());
                App node = App.start(Config.fromEnvironment(env));
                try {
                    refreshes("a node of several, families in Redis", node);
                } finally {
                    node.close();
                }
            }
        }
        System.exit(0);
    }

    /** POST /refresh, each with the refresh token the one before gave. */
    static void refreshes(String where, App app) throws Exception {
        String refresh = loginCookie(app.httpPort());
        for (int i = 0; i < WARM_UP; i++) {
            refresh = refresh(app.httpPort(), refresh, null);
        }
        double[] millis = new double[MEASURED];
        for (int i = 0; i < MEASURED; i++) {
            long start = System.nanoTime();
            refresh = refresh(app.httpPort(), refresh, null);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        report("POST /refresh, " + where, millis);
    }

    /** reauth on one websocket connection, each with a fresh token of its login, until the ack. */
    static void reauths(App app) throws Exception {
        String[] token = new String[1];
        String refresh = loginCookie(app.httpPort(), token);
        Socket socket = LifetimeBenchmark.open("http://127.0.0.1:" + app.ioPort(), token[0]);
        LifetimeBenchmark.connect(socket);
        String fresh = token[0];
        for (int i = 0; i < WARM_UP; i++) {
            reauth(socket, fresh);
        }
        refresh(app.httpPort(), refresh, token);
        fresh = token[0];
        double[] millis = new double[MEASURED];
        for (int i = 0; i < MEASURED; i++) {
            long start = System.nanoTime();
            reauth(socket, fresh);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        socket.close();
        report("reauth on a websocket connection, to its ack", millis);
    }

    static void reauth(Socket socket, String token) throws Exception {
        CompletableFuture<String> ack = new CompletableFuture<>();
        socket.emit("reauth", new Object[] {new JSONObject(Map.of("token", token))}, (Ack) args -> ack.complete(String.valueOf(args[0])));
        String answer = ack.get(5, TimeUnit.SECONDS);
        if (!answer.contains("expiresAt")) {
            throw new IllegalStateException("reauth refused: " + answer);
        }
    }

    static String loginCookie(int port, String... token) throws Exception {
        HttpResponse<String> reply = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"john\",\"password\":\"changeit\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (token.length > 0) {
            token[0] = new JSONObject(reply.body()).getString("token");
        }
        return cookie(reply);
    }

    /** One refresh; the next refresh token. {@code token}, when given, gets the new access token. */
    static String refresh(int port, String refreshToken, String[] token) throws Exception {
        HttpResponse<String> reply = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/refresh"))
                .header("Cookie", "refresh=" + refreshToken).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (reply.statusCode() != 200) {
            throw new IllegalStateException("refresh: " + reply.statusCode() + " " + reply.body());
        }
        if (token != null) {
            token[0] = new JSONObject(reply.body()).getString("token");
        }
        return cookie(reply);
    }

    static String cookie(HttpResponse<String> reply) {
        String setCookie = reply.headers().allValues("set-cookie").stream().filter(c -> c.startsWith("refresh=")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no refresh cookie"));
        return setCookie.substring("refresh=".length(), setCookie.indexOf(';'));
    }

    static void report(String what, double[] millis) {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "| %s | %d | p50 %.2f ms | p99 %.2f ms | max %.2f ms |%n", what, sorted.length,
                LifetimeBenchmark.percentile(sorted, 0.5), LifetimeBenchmark.percentile(sorted, 0.99),
                LifetimeBenchmark.percentile(sorted, 1));
    }
}
