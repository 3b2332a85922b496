package cli;

import static cli.Disk.HOME;
import static cli.Main.OUT;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A participant's link to the room of a workshop: {@code ./kata join URL CODE [--name NAME]}, {@code ./kata leave},
 * and the report of each verdict of {@code ./kata watch}, {@code ./kata test} and {@code ./kata}. What is sent
 * is the report of {@link #reportOf} and nothing else (README.md lists it): no code, no paths, no machine details.
 *
 * <p>It never gets in the way: a report is written to .kata/room.properties, and sent from there in the
 * background with a short timeout, by a thread of ./kata watch, or by a JVM of its own that the short commands
 * start and do not wait for. A room that is down costs a verdict the writing of that file; the report waits
 * there, and the next verdict (or ./kata watch, every {@link #RETRY}) sends the latest one when the room is back.
 * A room that refuses the token (it was closed, or its key changed) is told once, and no more is sent.
 */
final class RoomLink {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration REPORT_TIMEOUT = Duration.ofSeconds(2);
    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);
    static final Duration RETRY = Duration.ofSeconds(15);
    /** How often ./kata watch sends again a report the room did not get (tests make it shorter). */
    Duration retry = RETRY;

    private final Path file;
    private final AtomicBoolean queued = new AtomicBoolean();
    private ExecutorService sender;
    private HttpClient http;

    RoomLink(Path home) {
        this.file = home.resolve("room.properties");
    }

    private static RoomLink here;

    /** The link of this kata's folder (.kata/room.properties): one per JVM, so that ./kata watch has one sender. */
    static synchronized RoomLink here() {
        if (here == null) {
            here = new RoomLink(HOME);
        }
        return here;
    }

    // ---------------------------------------------------------------- the commands

    /** ./kata join URL CODE [--name NAME] */
    static int join(List<String> args) {
        List<String> plain = new ArrayList<>();
        String name = null;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--name") && i + 1 < args.size()) {
                name = args.get(++i);
            } else if (args.get(i).startsWith("--name=")) {
                name = args.get(i).substring("--name=".length());
            } else {
                plain.add(args.get(i));
            }
        }
        if (plain.size() != 2) {
            throw new Problem("usage: ./kata join URL CODE [--name NAME]   (the facilitator's ./kata room prints the URL and the code)");
        }
        RoomLink link = here();
        int exit = link.join(plain.get(0), plain.get(1), name);
        if (exit == 0) {
            link.verdict(Steps.all().stream().map(Step::name).toList(), Status.currentStep().name(), false);
        }
        return exit;
    }

    /** ./kata leave */
    static int leave() {
        RoomLink link = here();
        Properties p = link.load();
        if (p.getProperty("token") == null) {
            OUT.println("You are in no room: nothing is sent anywhere.");
            return 0;
        }
        link.leave(p);
        OUT.println("You left the room at " + p.getProperty("url") + ": nothing more is sent.");
        return 0;
    }

    /** Joins: the code for a participant's token, kept in .kata/room.properties. 0, or 1 with why not. */
    int join(String url, String code, String name) {
        String base = url.strip().replaceAll("/+$", "");
        if (!base.matches("https?://[^\\s/]+")) {
            throw new Problem("The room's address is http://HOST:PORT, as ./kata room prints it; not " + url);
        }
        String body = "{\"code\":" + quote(code) + (name == null ? "" : ",\"name\":" + quote(name)) + "}";
        HttpResponse<String> reply;
        try {
            reply = client().send(HttpRequest.newBuilder(URI.create(base + "/join")).timeout(JOIN_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("No room answers at " + base + " (" + why(e) + "). Is ./kata room running there, and is this"
                    + " laptop on the same network? Nothing was changed.");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
        if (reply.statusCode() != 200) {
            System.err.println("The room at " + base + " said no: " + error(reply.body()) + ".");
            return 1;
        }
        String token = field(reply.body(), "token");
        String shown = field(reply.body(), "name");
        if (token == null) {
            System.err.println("What answers at " + base + " is no room of this kata.");
            return 1;
        }
        Properties p = new Properties();
        p.setProperty("url", base);
        p.setProperty("token", token);
        p.setProperty("name", shown == null ? "" : shown);
        save(p);
        OUT.println("You joined the room at " + base + " as " + shown + ".");
        OUT.println("Each verdict of ./kata watch, ./kata test and ./kata now tells the room your step, red or green, how many");
        OUT.println("tests pass, the first failing test's name, the hints you saw and your minutes on the step; nothing else");
        OUT.println("(no code, no paths). ./kata leave stops it.");
        return 0;
    }

    void leave(Properties p) {
        try {
            client().send(HttpRequest.newBuilder(URI.create(p.getProperty("url") + "/leave")).timeout(REPORT_TIMEOUT)
                    .header("Authorization", "Bearer " + p.getProperty("token"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        } catch (IOException | RuntimeException e) {
            // a room that is gone has nobody to tell
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            synchronized (this) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new Problem("Cannot delete " + file + ": " + e.getMessage());
        }
    }

    /** The line ./kata shows when this laptop is in a room, or null. */
    String statusLine() {
        Properties p = load();
        if (p.getProperty("token") == null) {
            return null;
        }
        String line = "Room: joined " + p.getProperty("url") + " as " + p.getProperty("name") + "; each verdict is sent there (./kata leave stops it)";
        if (p.getProperty("refused") != null) {
            return line + ".\n  The room refused the last report (" + p.getProperty("refused") + "): ./kata join again, or ./kata leave.";
        }
        if (p.getProperty("tried") != null && !p.getProperty("pending", "").equals(p.getProperty("sent"))) {
            return line + ".\n  The room has not answered since " + p.getProperty("tried") + "; your latest report goes when it does.";
        }
        return line;
    }

    // ---------------------------------------------------------------- a verdict, reported

    /**
     * Reports the state of every step (the names in {@code steps}, e.g. 01-login) with {@code current} as the
     * step being worked on. Returns at once: {@code inProcess} sends it from a thread of this JVM (./kata watch,
     * which lives on), else from a JVM of its own that is not waited for (the commands that end now).
     */
    void verdict(List<String> steps, String current, boolean inProcess) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        Properties p = load();
        if (p.getProperty("token") == null) {
            return;
        }
        if (p.getProperty("refused") != null) {
            if (p.getProperty("told") == null) {
                System.err.println("The room at " + p.getProperty("url") + " refused this laptop's report (" + p.getProperty("refused")
                        + "). Join again (./kata join URL CODE) or ./kata leave; until then nothing is sent.");
                update(q -> q.setProperty("told", "yes"));
            }
            return;
        }
        String report = reportOf(new State(file.getParent()), steps, current);
        if (report.equals(p.getProperty("sent"))) {
            // the room has this very report (./kata run twice in a minute): nothing to send, no JVM to start
            return;
        }
        update(q -> q.setProperty("pending", report));
        if (inProcess) {
            sendInBackground();
        } else {
            detached();
        }
    }

    /** Sends the pending report from a thread of this JVM; while it goes, a newer one waits its turn. */
    void sendInBackground() {
        synchronized (file) {
            startSender();
        }
        if (queued.compareAndSet(false, true)) {
            sender.execute(() -> {
                queued.set(false);
                sendPending();
            });
        }
    }

    private void startSender() {
        if (sender == null) {
            ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "room-reports");
                t.setDaemon(true);
                return t;
            });
            // a report the room did not get goes again, every RETRY, while this JVM lives
            thread.scheduleWithFixedDelay(() -> {
                Properties p = load();
                if (p.getProperty("pending") != null && !p.getProperty("pending").equals(p.getProperty("sent"))) {
                    sendInBackground();
                }
            }, retry.toMillis(), retry.toMillis(), TimeUnit.MILLISECONDS);
            sender = thread;
        }
    }

    /** Starts ./kata room-send in a JVM of its own, which outlives this one; its output goes nowhere. */
    void detached() {
        String classpath = System.getProperty("java.class.path", "");
        if (classpath.isBlank()) {
            return;
        }
        try {
            new ProcessBuilder(Programs.java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Dkata.compiled=current",
                    "-cp", classpath, "cli.Main", "room-send")
                    .directory(file.getParent().getParent().toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            // no JVM to start: the next verdict sends it
        }
    }

    /** ./kata room-send (started by {@link #detached}): sends the pending report, once. */
    static int send() {
        here().sendPending();
        return 0;
    }

    /** Sends the pending report now (bounded by the timeouts); notes whether the room got it. */
    void sendPending() {
        Properties p = load();
        String report = p.getProperty("pending");
        if (report == null || p.getProperty("token") == null || report.equals(p.getProperty("sent")) || p.getProperty("refused") != null) {
            return;
        }
        int status;
        String answer;
        try {
            String[] reply = post(p.getProperty("url"), "/report", p.getProperty("token"), report);
            status = Integer.parseInt(reply[0]);
            answer = reply[1];
        } catch (IOException | RuntimeException e) {
            status = 0;
            answer = null;
        }
        // what another verdict may have written meanwhile is kept: only these notes change
        int answered = status;
        String reason = error(answer);
        update(now -> {
            if (!p.getProperty("token").equals(now.getProperty("token"))) {
                return;
            }
            if (answered / 100 == 2) {
                now.setProperty("sent", report);
                now.remove("tried");
            } else if (answered == 401 || answered == 403) {
                now.setProperty("refused", reason);
                if (sender != null && now.getProperty("told") == null) {
                    // ./kata watch is on the screen: say it there, once
                    System.err.println("The room at " + now.getProperty("url") + " refused this laptop's report (" + reason
                            + "). Join again (./kata join URL CODE) or ./kata leave; until then nothing is sent.");
                    now.setProperty("told", "yes");
                }
            } else {
                now.setProperty("tried", Instant.now().toString().substring(11, 16) + " UTC");
            }
        });
    }

    /**
     * POSTs JSON over a plain socket: the status and the body of the answer. Not java.net.http's client, whose
     * classes cost the JVM that ./kata starts for one report several times the rest of its work (the room is
     * plain HTTP on the room's network). Connect timeout 1 s, then 2 s for the answer.
     */
    static String[] post(String base, String path, String token, String json) throws IOException {
        URI uri = URI.create(base);
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IOException("not an http:// address: " + base);
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(uri.getHost(), port), (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) REPORT_TIMEOUT.toMillis());
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + port + "\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + token + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            var out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            byte[] answer = socket.getInputStream().readNBytes(64 * 1024);
            String text = new String(answer, StandardCharsets.UTF_8);
            if (!text.startsWith("HTTP/1.") || text.length() < 12) {
                throw new IOException("not an HTTP answer");
            }
            int blank = text.indexOf("\r\n\r\n");
            return new String[] {text.substring(9, 12), blank < 0 ? "" : text.substring(blank + 4)};
        }
    }

    /** Whether the room has the latest report (tests wait for it). */
    boolean delivered() {
        Properties p = load();
        return p.getProperty("pending") != null && p.getProperty("pending").equals(p.getProperty("sent"));
    }

    /**
     * Everything a report holds, and all that leaves the laptop: the current step, and for each step its number,
     * green, red, not started or skipped, the tests that pass and how many there are (when known), the first
     * failing test's name, the hints seen, and the minutes since its first run (to its last run once green).
     */
    static String reportOf(State state, List<String> steps, String current) {
        StringBuilder json = new StringBuilder("{\"step\":").append(quote(number(current))).append(",\"steps\":[");
        for (int i = 0; i < steps.size(); i++) {
            String step = steps.get(i);
            String result = state.get(step, "result");
            String shown = "true".equals(state.get(step, "skipped")) ? "skipped" : result == null ? "not started" : result;
            String[] tests = state.get(step, "tests") == null ? new String[] {null, null} : state.get(step, "tests").split("/");
            json.append(i == 0 ? "" : ",").append("{\"step\":").append(quote(number(step)))
                    .append(",\"state\":").append(quote(shown))
                    .append(",\"passed\":").append(whole(tests[0]))
                    .append(",\"total\":").append(whole(tests.length > 1 ? tests[1] : null))
                    .append(",\"failing\":").append("red".equals(shown) ? quote(state.get(step, "failing")) : "null")
                    .append(",\"hints\":").append(whole(state.get(step, "hints")))
                    .append(",\"minutes\":").append(minutes(state.get(step, "started"), "green".equals(shown) ? state.get(step, "at") : null))
                    .append('}');
        }
        return json.append("]}").toString();
    }

    private static String number(String step) {
        return step == null || step.length() < 2 ? null : step.substring(0, 2);
    }

    private static String whole(String s) {
        return s != null && s.matches("\\d{1,6}") ? s : "null";
    }

    private static String minutes(String started, String until) {
        try {
            if (started == null) {
                return "null";
            }
            Instant end = until == null ? Instant.now() : Instant.parse(until);
            return String.valueOf(Math.max(0, Duration.between(Instant.parse(started), end).toMinutes()));
        } catch (RuntimeException e) {
            return "null";
        }
    }

    // ---------------------------------------------------------------- JSON and files, with the JDK alone

    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(unicode(c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** A string field of a flat JSON answer (the room's answers are short and flat). */
    static String field(String json, String name) {
        if (json == null) {
            return null;
        }
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        if (!m.find()) {
            return null;
        }
        String raw = m.group(1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length()) {
                char e = raw.charAt(++i);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (i + 4 < raw.length()) {
                            out.append((char) Integer.parseInt(raw.substring(i + 1, i + 5), 16));
                            i += 4;
                        }
                    }
                    default -> out.append(e);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String error(String body) {
        String reason = field(body, "error");
        return reason == null ? "no reason given" : reason;
    }

    private static String why(Exception e) {
        if (e instanceof HttpConnectTimeoutException || e instanceof HttpTimeoutException) {
            return "no answer within " + JOIN_TIMEOUT.toSeconds() + " s";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Made once, under a lock of its own: a verdict that saves its report never waits for it. */
    private HttpClient client() {
        synchronized (queued) {
            if (http == null) {
                http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1).build();
            }
            return http;
        }
    }

    Properties load() {
        Properties p = new Properties();
        if (Files.isRegularFile(file)) {
            try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            } catch (IOException | IllegalArgumentException e) {
                // a damaged file is forgotten, never fatal
            }
        }
        return p;
    }

    /**
     * Reads the file, changes it, writes it, with no other change of this JVM in between (./kata watch notes a
     * new report while its sender notes that the last one went: neither may undo the other).
     */
    synchronized void update(java.util.function.Consumer<Properties> change) {
        if (!Files.isRegularFile(file)) {
            // ./kata leave deleted it: nothing to note
            return;
        }
        Properties p = load();
        change.accept(p);
        save(p);
    }

    /**
     * Written beside, then moved over: a command that reads it meanwhile sees the old or the new, never half.
     * Written by hand rather than by Properties.store, whose date line costs a cold JVM some 40 ms (measured).
     */
    synchronized void save(Properties p) {
        StringBuilder text = new StringBuilder("# the room this laptop reports to (./kata join, ./kata leave): README.md says what is sent\n");
        for (String key : new java.util.TreeSet<>(p.stringPropertyNames())) {
            text.append(escape(key)).append('=').append(escape(p.getProperty(key))).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            // not ProcessHandle.current().pid(): the first call costs a cold JVM some 15 ms (measured)
            Path fresh = file.resolveSibling("room.properties." + Long.toHexString(System.nanoTime()) + "." + Thread.currentThread().getId());
            Files.writeString(fresh, text, StandardCharsets.ISO_8859_1);
            Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // progress that cannot be noted is not worth stopping a learner for
        }
    }

    /** A character as \\uXXXX (String.format would cost a cold JVM more than the rest of a report). */
    static String unicode(char c) {
        String hex = Integer.toHexString(c);
        return "\\u" + "0000".substring(hex.length()) + hex;
    }

    /** As Properties.store escapes a key or a value: what Properties.load reads back the same. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '=', ':', '#', '!' -> out.append('\\').append(c);
                case ' ' -> out.append(i == 0 ? "\\ " : " ");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(unicode(c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
