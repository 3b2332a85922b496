package kata.harness;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * An engine.io session over a bare WebSocket, frame by frame, for what a Socket.IO client library would
 * never send: a CONNECT whose auth payload has the wrong shape, events after a refused CONNECT, or no
 * CONNECT at all. It answers the server's pings, as any live client does, and nothing else by itself.
 *
 * <p>Frames are engine.io packets: {@code 0{..}} open, {@code 2}/{@code 3} ping/pong, {@code 4...} a
 * Socket.IO packet: {@code 40{..}} CONNECT (with its auth payload), {@code 44{..}} CONNECT_ERROR,
 * {@code 421["whoami"]} an event with ack id 1, {@code 431[..]} its ack.
 */
public final class RawSession implements AutoCloseable {

    /** One client for all: OkHttp (what socket.io-client itself uses) notices a closed connection at once. */
    private static final OkHttpClient CLIENT = client();

    private static OkHttpClient client() {
        // OkHttp runs at most 5 calls per host by default, and an open websocket is one of them
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequestsPerHost(1_000);
        return new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectTimeout(Connection.PATIENCE.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(0, TimeUnit.MILLISECONDS)
                .build();
    }

    private final List<String> frames = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Boolean> opened = new CompletableFuture<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private RawSession(String socketUrl, Map<String, String> headers) {
        Request.Builder request = new Request.Builder().url(socketUrl + "/socket.io/?EIO=4&transport=websocket");
        headers.forEach(request::header);
        socket = CLIENT.newWebSocket(request.build(), new Listener());
        try {
            opened.get(Connection.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            closed.complete("never opened: " + e);
        }
    }

    static RawSession open(String socketUrl, Map<String, String> headers) {
        return new RawSession(socketUrl, headers);
    }

    private final class Listener extends WebSocketListener {
        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            opened.complete(true);
        }

        @Override
        public void onMessage(WebSocket webSocket, String frame) {
            if (frame.equals("2")) {
                webSocket.send("3");
            }
            frames.add(frame);
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            closed.complete("closed by the server (" + code + ")");
            webSocket.close(1000, null);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            closed.complete("closed (" + code + ")");
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable error, Response response) {
            opened.complete(false);
            closed.complete(response != null && !opened.join() ? "refused at the handshake: HTTP " + response.code()
                    : "closed by the server (" + error + ")");
        }
    }

    /** Whether the server accepted the WebSocket handshake (the HTTP upgrade). */
    public boolean opened() {
        return opened.getNow(false);
    }

    /** Sends one engine.io packet, e.g. {@code 40{"token":"..."}}. */
    public RawSession send(String frame) {
        if (!opened()) {
            throw new AssertionError("this session was " + closed.getNow("not opened"));
        }
        socket.send(frame);
        return this;
    }

    /** Waits (bounded) for a frame that starts with this prefix, and gives it. */
    public String awaitFrame(String prefix, String hint) {
        Predicate<String> matches = frame -> frame.startsWith(prefix);
        try {
            await().atMost(Connection.PATIENCE).pollInterval(Duration.ofMillis(5)).until(() -> frames.stream().anyMatch(matches));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("No frame starting with " + prefix + " came within " + Connection.PATIENCE.toSeconds()
                    + " s; this session got " + frames() + (closed.isDone() ? " and was " + closed.join() : "") + ".\n" + hint);
        }
        return frames.stream().filter(matches).findFirst().orElseThrow();
    }

    /** Checks that no frame with this prefix comes during {@code quiet}. */
    public void assertNoFrame(String prefix, Duration quiet, String why) {
        try {
            await().during(quiet).atMost(quiet.plusSeconds(1)).pollInterval(Duration.ofMillis(10))
                    .until(() -> frames.stream().noneMatch(frame -> frame.startsWith(prefix)));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("This session got " + frames() + ", and should not have: " + why);
        }
    }

    /** Waits (bounded by {@code within}) until the server closes the session, and says how it ended. */
    public String awaitClosed(Duration within, String hint) {
        try {
            return closed.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("The server kept this session open for " + within.toMillis() + " ms (it got "
                    + frames() + ").\n" + hint);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** The frames received so far, pings left out. */
    public List<String> frames() {
        return frames.stream().filter(frame -> !frame.equals("2")).toList();
    }

    @Override
    public void close() {
        socket.cancel();
    }
}
