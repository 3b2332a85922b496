package kata.harness;

import static org.awaitility.Awaitility.await;

import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Manager;
import io.socket.client.Socket;
import io.socket.engineio.client.Transport;
import io.socket.engineio.client.transports.Polling;
import io.socket.engineio.client.transports.WebSocket;
import io.socket.engineio.parser.Packet;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.json.JSONArray;
import org.json.JSONObject;

/**
 * One Socket.IO client connection (the Java socket.io-client), with everything a test wants to know:
 * whether it connected or was refused, the events it got, the answers to its emits, and which
 * transport carried them. Every wait is bounded.
 */
public final class Connection implements AutoCloseable {

    /** How long a test waits for something that should happen. */
    public static final Duration PATIENCE = Duration.ofSeconds(5);

    /** A received event: its name and its arguments as text. */
    public record Event(String name, String payload) {
        @Override
        public String toString() {
            return name + " " + payload;
        }
    }

    /** How the client talks to the server. */
    public enum Mode {
        /** HTTP long-polling first, then an upgrade to websocket: the browser's default, and the guide's. */
        POLLING_FIRST(new String[] {Polling.NAME, WebSocket.NAME}),
        /** Straight to websocket: works from Java, not from a browser (it cannot set the header). */
        WEBSOCKET_ONLY(new String[] {WebSocket.NAME});

        private final String[] transports;

        Mode(String[] transports) {
            this.transports = transports;
        }
    }

    private final Socket socket;
    private final String description;
    private final CompletableFuture<String> outcome = new CompletableFuture<>();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> requestsWithAuthorization = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicReference<String> lastMessageTransport = new AtomicReference<>("");
    private volatile boolean handshakeOnlyHeader;
    private volatile boolean withPayload;
    private final List<String> transports = new CopyOnWriteArrayList<>();

    private Connection(Socket socket, String description) {
        this.socket = socket;
        this.description = description;
    }

    /**
     * Opens a connection to {@code url} with these extra headers (e.g. authorization), and does not
     * wait: see {@link #awaitConnected()} and {@link #awaitRefused()}.
     */
    static Connection open(String url, Map<String, List<String>> headers, Mode mode, boolean tokenOnHandshakeOnly) {
        return open(url, headers, null, mode, tokenOnHandshakeOnly);
    }

    /**
     * The same, and with a Socket.IO v4 {@code auth} payload in the CONNECT packet when {@code auth} is not
     * null. (For payloads of other shapes, see {@link RawSession}.)
     */
    static Connection open(String url, Map<String, List<String>> headers, Map<String, String> auth, Mode mode, boolean tokenOnHandshakeOnly) {
        IO.Options options = IO.Options.builder()
                .setForceNew(true)
                .setReconnection(false)
                .setTimeout(PATIENCE.toMillis())
                .setTransports(mode.transports)
                .setExtraHeaders(headers)
                .setAuth(auth)
                .build();
        Socket socket = IO.socket(URI.create(url), options);
        Connection connection = new Connection(socket, mode + " with " + describe(headers)
                + (auth == null ? "" : " and auth " + shorten(Transcript.scrub(String.valueOf(new JSONObject(auth))))));
        connection.handshakeOnlyHeader = tokenOnHandshakeOnly;
        connection.withPayload = auth != null;
        connection.listen();
        socket.connect();
        return connection;
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 60) + "… (" + text.length() + " characters)";
    }

    private static String describe(Map<String, List<String>> headers) {
        if (headers.isEmpty()) {
            return "no Authorization header";
        }
        return headers.entrySet().stream()
                .map(e -> e.getKey() + ": " + Transcript.scrub(String.join(",", e.getValue())))
                .reduce((a, b) -> a + ", " + b).orElse("");
    }

    private void listen() {
        socket.on(Socket.EVENT_CONNECT, args -> outcome.complete("connected"));
        socket.on(Socket.EVENT_CONNECT_ERROR, args -> {
            outcome.complete("connect_error: " + text(args));
            // also an event: a refusal may come right after netty-socketio has said "connected"
            events.add(new Event(Socket.EVENT_CONNECT_ERROR, text(args)));
        });
        socket.on(Socket.EVENT_DISCONNECT, args -> {
            outcome.complete("disconnected: " + text(args));
            events.add(new Event("disconnect", text(args)));
        });
        socket.onAnyIncoming(args -> events.add(new Event(String.valueOf(args[0]), text(Arrays.copyOfRange(args, 1, args.length)))));
        socket.io().on(Manager.EVENT_TRANSPORT, args -> watch((Transport) args[0]));
    }

    /** Sees every HTTP request and websocket upgrade the client makes, and every message it gets. */
    private void watch(Transport transport) {
        transports.add(transport.name);
        transport.on(Transport.EVENT_REQUEST_HEADERS, args -> {
            @SuppressWarnings("unchecked")
            Map<String, List<String>> headers = (Map<String, List<String>>) args[0];
            int number = requests.incrementAndGet();
            if (handshakeOnlyHeader && number > 1) {
                // every request after the handshake goes without the token: the server must not need it
                headers.keySet().removeIf(name -> name.equalsIgnoreCase("authorization"));
            }
            if (headers.keySet().stream().anyMatch(name -> name.equalsIgnoreCase("authorization"))) {
                requestsWithAuthorization.add(transport.name + " request " + number);
            }
        });
        transport.on(Transport.EVENT_PACKET, args -> {
            if (args.length > 0 && args[0] instanceof Packet<?> packet && Packet.MESSAGE.equals(packet.type)) {
                lastMessageTransport.set(transport.name);
            }
        });
    }

    /** Waits for the connection to be accepted; fails with what happened instead. */
    public Connection awaitConnected() {
        String result = awaitOutcome();
        if (!result.equals("connected")) {
            throw new AssertionError("The connection (" + description + ") should have been accepted, but got " + result
                    + (withPayload
                            ? ".\nThe server refused it (its log says why): open " + TestEnv.stepFile("AuthPayload.java")
                                    + ", and " + TestEnv.stepFile("SocketAuth.java") + ": a handshake without a header must pass."
                            : ".\nThe server refused the handshake (its log says why): open " + TestEnv.stepFile("SocketAuth.java")
                                    + " and check how it reads the Authorization header."));
        }
        return this;
    }

    /** Waits for the connection to be refused (connect_error); fails if it was accepted. */
    public String awaitRefused() {
        String result = awaitOutcome();
        if (result.equals("connected")) {
            throw new AssertionError("The connection (" + description + ") should have been refused at the handshake,"
                    + " but it connected (socket id " + socket.id() + ").\nOpen " + TestEnv.stepFile("SocketAuth.java")
                    + ": only a valid bearer token may pass.");
        }
        return result;
    }

    /** "connected", "connect_error: ..." or "disconnected: ...", or "no answer" after {@link #PATIENCE}. */
    public String awaitOutcome() {
        try {
            return outcome.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return "no answer within " + PATIENCE.toSeconds() + " s";
        } catch (ExecutionException e) {
            return "an error: " + e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Emits an event with an acknowledgement, and waits (bounded) for the server's answer. */
    public String ask(String event, Object... args) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        socket.emit(event, args, (Ack) reply -> answer.complete(text(reply)));
        try {
            return answer.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("The server did not acknowledge \"" + event + "\" within " + PATIENCE.toSeconds()
                    + " s: is a listener registered for it, and does it call ackRequest.sendAckData(..)?");
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** Emits without waiting for anything. */
    public void emit(String event, Object... args) {
        socket.emit(event, args);
    }

    /** Waits (bounded) for an event of this name, and gives the first one. */
    public Event awaitEvent(String name) {
        return awaitEvent(name, "");
    }

    /** The same, with what to check when it does not come. */
    public Event awaitEvent(String name, String hint) {
        try {
            await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5))
                    .until(() -> events.stream().anyMatch(e -> e.name().equals(name)));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("No \"" + name + "\" event reached this connection within " + PATIENCE.toSeconds()
                    + " s. It got: " + events + (hint.isEmpty() ? "" : "\n" + hint));
        }
        return events.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * Checks that no event of this name arrives during {@code quiet}: a bounded watch, for what must
     * not happen.
     */
    public void assertNoEvent(String name, Duration quiet, String why) {
        try {
            await().during(quiet).atMost(quiet.plusSeconds(1)).pollInterval(Duration.ofMillis(10))
                    .until(() -> events(name).isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("This connection got " + events(name) + ", and should not have: " + why);
        }
    }

    /** The events of this name received so far. */
    public List<Event> events(String name) {
        return events.stream().filter(e -> e.name().equals(name)).toList();
    }

    public List<Event> events() {
        return new ArrayList<>(events);
    }

    public boolean isConnected() {
        return socket.connected();
    }

    public String id() {
        return socket.id();
    }

    /** "websocket" once the connection was upgraded and a message came over it, else "polling". */
    public String transportOfLastMessage() {
        return lastMessageTransport.get();
    }

    /** The transports this connection opened, in order, e.g. ["polling", "websocket"]. */
    public List<String> transports() {
        return List.copyOf(transports);
    }

    /** Which requests carried an Authorization header, e.g. ["polling request 1"]. */
    public List<String> requestsWithAuthorization() {
        return List.copyOf(requestsWithAuthorization);
    }

    /** Closes the connection cleanly (the server is told). */
    @Override
    public void close() {
        socket.close();
    }

    private static String text(Object[] args) {
        if (args == null || args.length == 0) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        for (Object arg : args) {
            if (text.length() > 0) {
                text.append(' ');
            }
            text.append(arg instanceof JSONObject || arg instanceof JSONArray ? arg.toString()
                    : arg instanceof Exception e ? e.getMessage() : String.valueOf(arg));
        }
        return text.toString();
    }
}
