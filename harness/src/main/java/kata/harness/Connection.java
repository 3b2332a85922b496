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
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Call;
import okhttp3.Dispatcher;
import okhttp3.EventListener;
import okhttp3.OkHttpClient;
import okhttp3.WebSocketListener;
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

    /**
     * How long a test waits for a handshake's verdict (connected or refused). A verdict comes in well under
     * half a second, even beside a CPU hog; the wait only runs out when something is wrong, so it may be
     * long enough for a machine that stalls for a few seconds (a laptop waking up, a busy CI host).
     */
    public static final Duration VERDICT_PATIENCE = Duration.ofSeconds(15);

    /** A received event: its name, its arguments as text, and when it came ({@link System#nanoTime()}). */
    public record Event(String name, String payload, long at) {
        Event(String name, String payload) {
            this(name, payload, System.nanoTime());
        }

        @Override
        public String toString() {
            return name + " " + payload;
        }
    }

    /** How the client talks to the server. */
    public enum Mode {
        /** HTTP long-polling first, then an upgrade to websocket: the browser's default, and the guide's. */
        POLLING_FIRST(new String[] {Polling.NAME, WebSocket.NAME}),
        /** HTTP long-polling only, never upgraded: what a client behind a proxy that blocks websockets gets. */
        POLLING_ONLY(new String[] {Polling.NAME}),
        /** Straight to websocket: works from Java, not from a browser (it cannot set the header). */
        WEBSOCKET_ONLY(new String[] {WebSocket.NAME}),
        /**
         * Polling first, on a network where the server's answer to the websocket probe ("3probe") arrives
         * after what the server sends on polling at the same moment: what the JavaScript client often sees.
         * The Java client on loopback almost never does, so a test of the upgrade must ask for it. The
         * client is handed "3probe" {@link #LATE_PROBE_ANSWER} after it has read a polling NOOP (or a
         * second after "3probe" came, if no NOOP comes): however busy the machine, the NOOP is read first.
         */
        POLLING_FIRST_LATE_PROBE_ANSWER(new String[] {Polling.NAME, WebSocket.NAME});

        private final String[] transports;

        Mode(String[] transports) {
            this.transports = transports;
        }
    }

    /** How late the probe's answer arrives, after the NOOP, in {@link Mode#POLLING_FIRST_LATE_PROBE_ANSWER}. */
    public static final Duration LATE_PROBE_ANSWER = Duration.ofMillis(100);

    /**
     * One HTTP client for every connection. OkHttp's default allows 5 calls per host at once, and every
     * polling connection keeps one call open (its long poll): more than a few connections would queue
     * behind each other, which would measure the client, not the server.
     */
    private static final OkHttpClient HTTP = httpClient();

    private final Socket socket;
    private final Mode mode;
    private final KillSwitch killSwitch;
    private final String description;
    private final long openedAt = System.nanoTime();
    private final CompletableFuture<String> outcome = new CompletableFuture<>();
    private final CompletableFuture<Long> upgraded = new CompletableFuture<>();
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<String> requestsWithAuthorization = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicReference<String> lastMessageTransport = new AtomicReference<>("");
    private volatile boolean handshakeOnlyHeader;
    private volatile boolean withPayload;
    private final List<String> transports = new CopyOnWriteArrayList<>();
    /** Done once a polling NOOP has been read (an upgrade is under way). */
    private final CompletableFuture<Void> noopRead;
    /** What the client did and got at the engine.io level, with times: said when a connection gets no answer. */
    private final Queue<String> trace = new ConcurrentLinkedQueue<>();

    private Connection(Socket socket, Mode mode, KillSwitch killSwitch, String description, CompletableFuture<Void> noopRead) {
        this.noopRead = noopRead;
        this.socket = socket;
        this.mode = mode;
        this.killSwitch = killSwitch;
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
        return open(url, headers, auth, mode, tokenOnHandshakeOnly, null);
    }

    /** The same, keeping cookies in {@code cookies} as a browser would (null: none kept, the Java client's default). */
    static Connection open(String url, Map<String, List<String>> headers, Map<String, String> auth, Mode mode, boolean tokenOnHandshakeOnly,
            Cookies cookies) {
        IO.Options options = IO.Options.builder()
                .setForceNew(true)
                .setReconnection(false)
                .setTimeout(VERDICT_PATIENCE.toMillis())
                .setTransports(mode.transports)
                .setExtraHeaders(headers)
                .setAuth(auth)
                .build();
        KillSwitch killSwitch = new KillSwitch();
        OkHttpClient http = killSwitch.wrap(cookies == null ? HTTP : HTTP.newBuilder().cookieJar(cookies).build());
        options.callFactory = http;
        CompletableFuture<Void> noopRead = new CompletableFuture<>();
        options.webSocketFactory = killSwitch.wrap(mode == Mode.POLLING_FIRST_LATE_PROBE_ANSWER ? LateProbeAnswer.factory(http, noopRead) : http);
        Socket socket = IO.socket(URI.create(url), options);
        Connection connection = new Connection(socket, mode, killSwitch, mode + " with " + describe(headers)
                + (auth == null ? "" : " and auth " + shorten(Transcript.scrub(String.valueOf(new JSONObject(auth))))), noopRead);
        connection.handshakeOnlyHeader = tokenOnHandshakeOnly;
        connection.withPayload = auth != null;
        connection.listen();
        socket.connect();
        return connection;
    }

    /**
     * What makes {@link #kill()} abrupt: every HTTP call and websocket of one connection, to cancel them
     * all at once (their TCP connections close without a word), and a refusal of anything after.
     */
    private static final class KillSwitch {

        private volatile boolean killed;
        private final Queue<Call> calls = new ConcurrentLinkedQueue<>();
        private final Queue<okhttp3.WebSocket> websockets = new ConcurrentLinkedQueue<>();

        OkHttpClient wrap(OkHttpClient http) {
            return http.newBuilder()
                    .addInterceptor(chain -> {
                        if (killed) {
                            throw new IOException("this client was killed");
                        }
                        return chain.proceed(chain.request());
                    })
                    .eventListenerFactory(call -> {
                        calls.add(call);
                        return new EventListener() {
                            @Override
                            public void callEnd(Call call) {
                                calls.remove(call);
                            }

                            @Override
                            public void callFailed(Call call, IOException e) {
                                calls.remove(call);
                            }
                        };
                    })
                    .build();
        }

        okhttp3.WebSocket.Factory wrap(okhttp3.WebSocket.Factory factory) {
            return (request, listener) -> {
                okhttp3.WebSocket websocket = factory.newWebSocket(request, listener);
                websockets.add(websocket);
                if (killed) {
                    websocket.cancel();
                }
                return websocket;
            };
        }

        void kill() {
            killed = true;
            calls.forEach(Call::cancel);
            websockets.forEach(okhttp3.WebSocket::cancel);
        }
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 60) + "… (" + text.length() + " characters)";
    }

    /** Websockets whose "3probe" is handed to the client {@link #LATE_PROBE_ANSWER} after a polling NOOP was read. */
    private static final class LateProbeAnswer extends WebSocketListener {

        static okhttp3.WebSocket.Factory factory(OkHttpClient http, CompletableFuture<Void> noopRead) {
            return (request, listener) -> http.newWebSocket(request, new LateProbeAnswer(listener, noopRead));
        }

        private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "test-client-late-probe");
            thread.setDaemon(true);
            return thread;
        });

        private final WebSocketListener client;
        private final CompletableFuture<Void> noopRead;

        LateProbeAnswer(WebSocketListener client, CompletableFuture<Void> noopRead) {
            this.client = client;
            this.noopRead = noopRead;
        }

        @Override
        public void onMessage(okhttp3.WebSocket webSocket, String text) {
            if (text.equals("3probe")) {
                noopRead.copy().completeOnTimeout(null, 1, TimeUnit.SECONDS).thenRun(() ->
                        LATER.schedule(() -> client.onMessage(webSocket, text), LATE_PROBE_ANSWER.toMillis(), TimeUnit.MILLISECONDS));
            } else {
                client.onMessage(webSocket, text);
            }
        }

        @Override
        public void onOpen(okhttp3.WebSocket webSocket, okhttp3.Response response) {
            client.onOpen(webSocket, response);
        }

        @Override
        public void onMessage(okhttp3.WebSocket webSocket, okio.ByteString bytes) {
            client.onMessage(webSocket, bytes);
        }

        @Override
        public void onClosing(okhttp3.WebSocket webSocket, int code, String reason) {
            client.onClosing(webSocket, code, reason);
        }

        @Override
        public void onClosed(okhttp3.WebSocket webSocket, int code, String reason) {
            client.onClosed(webSocket, code, reason);
        }

        @Override
        public void onFailure(okhttp3.WebSocket webSocket, Throwable t, okhttp3.Response response) {
            client.onFailure(webSocket, t, response);
        }
    }

    private String[] socketTransports() {
        return mode.transports;
    }

    /** A connection without a token to any Socket.IO server (not the app's), e.g. a bare netty-socketio. */
    public static Connection toServer(String url, Mode mode) {
        return open(url, Map.of(), mode, false);
    }

    private static OkHttpClient httpClient() {
        Dispatcher dispatcher = new Dispatcher(Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "test-client-http");
            thread.setDaemon(true);
            return thread;
        }));
        dispatcher.setMaxRequests(10_000);
        dispatcher.setMaxRequestsPerHost(10_000);
        return new OkHttpClient.Builder().dispatcher(dispatcher).readTimeout(1, TimeUnit.MINUTES).build();
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
        if (WebSocket.NAME.equals(transport.name)) {
            // The client writes on a websocket it upgrades to twice before anything else: the probe
            // ("2probe"), then, once polling is paused, the UPGRADE packet ("5"). Each write ends in a
            // drain. A websocket-only connection writes its first packet (CONNECT) on it at once.
            int writesBeforeUpgraded = Arrays.asList(socketTransports()).contains(Polling.NAME) ? 2 : 1;
            AtomicInteger drains = new AtomicInteger();
            transport.on(Transport.EVENT_DRAIN, args -> {
                if (drains.incrementAndGet() == writesBeforeUpgraded) {
                    upgraded.complete(System.nanoTime());
                }
            });
        }
        transport.on(Polling.EVENT_POLL, args -> note("polls (GET)"));
        transport.on(Transport.EVENT_RESPONSE_HEADERS, args -> note(transport.name + " answer"));
        transport.on(Transport.EVENT_DRAIN, args -> note(transport.name + " sent"));
        transport.on(Transport.EVENT_ERROR, args -> note(transport.name + " error " + text(args)));
        transport.on(Transport.EVENT_CLOSE, args -> note(transport.name + " closed"));
        transport.on(Transport.EVENT_REQUEST_HEADERS, args -> {
            @SuppressWarnings("unchecked")
            Map<String, List<String>> headers = (Map<String, List<String>>) args[0];
            int number = requests.incrementAndGet();
            note(transport.name + " request " + number);
            if (handshakeOnlyHeader && number > 1) {
                // every request after the handshake goes without the token: the server must not need it
                headers.keySet().removeIf(name -> name.equalsIgnoreCase("authorization"));
            }
            if (headers.keySet().stream().anyMatch(name -> name.equalsIgnoreCase("authorization"))) {
                requestsWithAuthorization.add(transport.name + " request " + number);
            }
        });
        transport.on(Transport.EVENT_PACKET, args -> {
            if (args.length > 0 && args[0] instanceof Packet<?> packet) {
                if (Packet.NOOP.equals(packet.type) && Polling.NAME.equals(transport.name)) {
                    noopRead.complete(null);
                }
                note("got " + packet.type + (packet.data == null ? "" : " " + shorten(Transcript.scrub(String.valueOf(packet.data)))));
                if (Packet.MESSAGE.equals(packet.type)) {
                    lastMessageTransport.set(transport.name);
                }
            }
        });
    }

    private void note(String what) {
        if (trace.size() < 60) {
            trace.add("+" + (System.nanoTime() - openedAt) / 1_000_000 + " ms " + what);
        }
    }

    /** The client's side of a connection that got no answer: which requests it made, what came back. */
    private String clientSide() {
        return "\nWhat the client did and got (engine.io): " + (trace.isEmpty() ? "nothing at all" : String.join(", ", trace)) + ".";
    }

    /** Waits for the connection to be accepted; fails with what happened instead. */
    public Connection awaitConnected() {
        String result = awaitOutcome();
        if (result.startsWith("no answer")) {
            throw new AssertionError("The connection (" + description + ") should have been accepted, but got " + result
                    + ": neither connect nor connect_error, so it was not refused. The server did not finish the handshake"
                    + " in time (a machine too busy, or a server stuck): its log above says what it last did." + clientSide());
        }
        if (!result.equals("connected")) {
            // a CONNECT_ERROR with a message comes once the handshake has passed: the CONNECT itself was refused
            boolean connectRefused = result.startsWith("connect_error: {");
            throw new AssertionError("The connection (" + description + ") should have been accepted, but got " + result
                    + (withPayload && connectRefused
                            ? ".\nThe handshake passed; the server refused the CONNECT with its auth payload (its log says why): open "
                                    + TestEnv.stepFile("AuthPayload.java") + "."
                            : withPayload
                            ? ".\nThe server refused it (its log says why): open " + TestEnv.stepFile("SocketAuth.java")
                                    + ": a handshake without a header must pass, its token comes in the CONNECT (read by "
                                    + TestEnv.stepFile("AuthPayload.java") + ")."
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

    /** "connected", "connect_error: ..." or "disconnected: ...", or "no answer" after {@link #VERDICT_PATIENCE}. */
    public String awaitOutcome() {
        try {
            return outcome.get(VERDICT_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return "no answer within " + VERDICT_PATIENCE.toSeconds() + " s";
        } catch (ExecutionException e) {
            return "an error: " + e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Waits (bounded) until the connection runs on websocket (at once for websocket-only), and says how
     * long after it was opened; fails with what happened instead.
     */
    public Duration awaitWebsocket(Duration within) {
        try {
            return Duration.ofNanos(upgraded.get(within.toMillis(), TimeUnit.MILLISECONDS) - openedAt);
        } catch (TimeoutException e) {
            throw new AssertionError("The connection (" + description + ") was still on polling " + within.toMillis()
                    + " ms after it opened: the upgrade to websocket did not complete. Outcome: " + awaitOutcome()
                    + "; events: " + events);
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** Whether the upgrade to websocket completes within this time: a bounded watch. */
    public boolean reachesWebsocketWithin(Duration within) {
        try {
            upgraded.get(within.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }

    /** Whether the upgrade to websocket has completed (or the connection was websocket-only). */
    public boolean onWebsocket() {
        return upgraded.isDone();
    }

    /** Emits an event with an acknowledgement, and waits (bounded) for the server's answer. */
    public String ask(String event, Object... args) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        socket.emit(event, args, (Ack) reply -> answer.complete(text(reply)));
        try {
            return answer.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (!events("disconnect").isEmpty()) {
                throw new AssertionError(disconnectedBefore("the server acknowledged \"" + event + "\""));
            }
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

    /**
     * The same, with what to check when it does not come. When the server disconnected this connection
     * meanwhile, the failure says so (and why), and leaves the hint out: the event did not go astray,
     * the connection was gone.
     */
    public Event awaitEvent(String name, String hint) {
        return awaitEvent(name, PATIENCE, hint);
    }

    /** The same, within a bound of the test's own (what the lesson promises, e.g. "within a second"). */
    public Event awaitEvent(String name, Duration within, String hint) {
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(5))
                    .until(() -> events.stream().anyMatch(e -> e.name().equals(name) || e.name().equals("disconnect")));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("No \"" + name + "\" event reached this connection (" + description + ") within "
                    + (within.toMillis() % 1000 == 0 ? within.toSeconds() + " s" : within.toMillis() + " ms")
                    + ", and it is still connected. It got: " + events + (hint.isEmpty() ? "" : "\n" + hint));
        }
        return events.stream().filter(e -> e.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(disconnectedBefore("a \"" + name + "\" event reached it")));
    }

    /** "The server disconnected this connection (reason: ...) before ..." (or the client side did, e.g. a transport error). */
    private String disconnectedBefore(String what) {
        String reason = events("disconnect").stream().findFirst().map(Event::payload).orElse("?");
        String who = reason.startsWith("io server") ? "The server disconnected this connection"
                : reason.equals("io client disconnect") ? "The test closed this connection"
                : "This connection was lost";
        return who + " (" + description + ", reason: " + reason + ") before " + what + ". It got: " + events
                + ".\nThis is not a lost event: the connection itself was gone. The app's log above says what happened"
                + " to it on the server.";
    }

    /** Waits (bounded) for the event of this name with this payload; fails with what came instead. */
    public Event awaitEvent(String name, String payload, Duration within) {
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(10))
                    .until(() -> events(name).stream().anyMatch(e -> e.payload().equals(payload)));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("No \"" + name + "\" event with " + payload + " reached this connection (" + description
                    + ") within " + within.toMillis() + " ms" + closedBecause() + ". It got " + events(name).size()
                    + " \"" + name + "\" events.");
        }
        return events(name).stream().filter(e -> e.payload().equals(payload)).findFirst().orElseThrow();
    }

    /**
     * Waits (bounded) until {@code count} events of this name have come, and gives them in the order
     * they came; fails with how many came, and whether the server closed the connection meanwhile.
     */
    public List<Event> awaitEvents(String name, int count, Duration within) {
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(10)).until(() -> events(name).size() >= count);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(events(name).size() + " of " + count + " \"" + name + "\" events reached this connection ("
                    + description + ") within " + within.toMillis() + " ms" + closedBecause() + ".");
        }
        return events(name);
    }

    /** ", and the server closed it (reason ...)" when it did, else "". */
    private String closedBecause() {
        return events("disconnect").stream().findFirst()
                .map(e -> ", and then it was disconnected (reason: " + e.payload() + "): the connection was gone, not the events")
                .orElse(", and it is still connected");
    }

    /**
     * Checks that no event of this name arrives during {@code quiet}: a bounded watch, for what must
     * not happen.
     */
    public void assertNoEvent(String name, Duration quiet, String why) {
        // only what came before the end of the quiet time counts: a busy machine may look a little later
        long end = System.nanoTime() + quiet.toNanos();
        try {
            await().during(quiet).atMost(quiet.plusSeconds(1)).pollInterval(Duration.ofMillis(10))
                    .until(() -> events(name).stream().noneMatch(e -> e.at() - end < 0));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("This connection got " + events(name) + ", and should not have: " + why);
        }
        // a connection the test closed itself is meant to get nothing; one that something else closed proves nothing
        if (events("disconnect").stream().anyMatch(e -> e.at() - end < 0 && !e.payload().equals("io client disconnect"))) {
            throw new AssertionError(disconnectedBefore("the test could see that no \"" + name + "\" event came")
                    + " A connection that is gone gets nothing, which proves nothing.");
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

    /**
     * Kills the client as a crash or a lost network would: every TCP connection it has is dropped at
     * once, and it sends nothing more, no Socket.IO goodbye. The server must notice by itself.
     */
    public void kill() {
        killSwitch.kill();
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
            // binary arguments as "bytes 010203": their content, where String.valueOf gives "[B@1b6d3586"
            text.append(arg instanceof JSONObject || arg instanceof JSONArray ? arg.toString()
                    : arg instanceof Exception e ? e.getMessage()
                    : arg instanceof byte[] bytes ? "bytes " + HexFormat.of().formatHex(bytes) : String.valueOf(arg));
        }
        return text.toString();
    }
}
