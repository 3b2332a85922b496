package kata.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room of a workshop ({@code ./kata room}): participants who ran {@code ./kata join URL CODE} report each
 * verdict of their {@code ./kata} here, and the facilitator's page shows them all, live.
 *
 * <ul>
 *   <li>{@code POST /join} {@code {"code", "name"}}: the join code for a participant's token (limited per address).</li>
 *   <li>{@code POST /report} with that token: the participant's progress, filed under the token's participant
 *       and no other (limited per participant).</li>
 *   <li>{@code POST /leave} with that token: the participant's line goes.</li>
 *   <li>{@code /}: the facilitator's page, which connects to the Socket.IO server with its own token.</li>
 * </ul>
 *
 * Every refusal is a short JSON reason with a 4xx status; a client never sees a stack trace.
 */
public final class Room implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Room.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Join codes: no 0/O, 1/I/L, so that a code read off a projector is typed right. */
    private static final String CODE_LETTERS = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    static final int LARGEST_BODY = 16 * 1024;

    private final Settings settings;
    private final RoomTokens tokens;
    private final Progress progress;
    private final Limits joins;
    private final Limits reports;
    private final FacilitatorSockets sockets;
    private final Javalin http;

    /** What the room is started with: the environment's names are in {@link #fromEnvironment}. */
    public record Settings(String host, int port, int ioPort, String code, byte[] secret, Duration lifetime,
            int joinsPerMinute, int reportsPerMinute, int handshakesPerMinute, Path webDir) {
    }

    public static Settings fromEnvironment(Map<String, String> env) {
        int port = number(env, "PORT", 4000);
        String secret = env.get("ROOM_SECRET");
        byte[] key = secret == null || secret.isBlank() ? randomKey() : secret.getBytes(StandardCharsets.UTF_8);
        String code = env.get("ROOM_CODE");
        return new Settings(env.getOrDefault("HOST", "0.0.0.0"), port, number(env, "IO_PORT", port == 0 ? 0 : port + 1),
                code == null || code.isBlank() ? newCode() : code.strip(), key,
                Duration.ofSeconds(number(env, "ROOM_LIFETIME", 12 * 3600)),
                number(env, "JOIN_LIMIT_PER_ADDRESS", 20), number(env, "REPORT_LIMIT_PER_PARTICIPANT", 60),
                number(env, "HANDSHAKE_LIMIT_PER_ADDRESS", 60),
                Path.of(env.getOrDefault("WEB_DIR", Path.of(System.getProperty("kata.root", "."), "web/public").toString())));
    }

    private static int number(Map<String, String> env, String name, int otherwise) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is a whole number, not " + value);
        }
    }

    static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    /** A short code such as 7KQ-2MX: 31^6, about 900 million, against 20 tries a minute per address. */
    static String newCode() {
        SecureRandom random = new SecureRandom();
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            code.append(i == 3 ? "-" : "").append(CODE_LETTERS.charAt(random.nextInt(CODE_LETTERS.length())));
        }
        return code.toString();
    }

    public static void main(String[] args) {
        Room room = start(fromEnvironment(System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(room::close, "room-stop"));
        room.announce();
    }

    private Room(Settings settings) {
        this.settings = settings;
        Clock clock = Clock.systemUTC();
        tokens = new RoomTokens(settings.secret(), clock, settings.lifetime());
        progress = new Progress(clock);
        joins = new Limits(settings.joinsPerMinute());
        reports = new Limits(settings.reportsPerMinute());
        Limits handshakes = new Limits(settings.handshakesPerMinute());
        sockets = new FacilitatorSockets(settings.host(), settings.ioPort(), this::port, tokens, handshakes,
                progress::snapshot);
        http = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = LARGEST_BODY;
            cfg.staticFiles.add("/room", Location.CLASSPATH);
            Path client = settings.webDir().toAbsolutePath().resolveSibling("node_modules/socket.io-client/dist");
            if (Files.isDirectory(client)) {
                // the page's official client, served as the finished app serves it (web/node_modules, from npm)
                cfg.staticFiles.add(files -> {
                    files.hostedPath = "/vendor/socket.io";
                    files.directory = client.toString();
                    files.location = Location.EXTERNAL;
                });
            }
            cfg.routes.post("/join", this::join);
            cfg.routes.post("/report", this::report);
            cfg.routes.post("/leave", this::leave);
            cfg.routes.get("/room-config", ctx -> ctx.json(Map.of("ioPort", sockets.port())));
            cfg.routes.exception(RoomError.class, (e, ctx) -> reply(ctx, e.status(), e.getMessage()));
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> reply(ctx, e.getStatus(),
                    e.getStatus() == 413 ? "a request is at most " + LARGEST_BODY + " bytes" : e.getMessage().toLowerCase(Locale.ROOT)));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.warn("{} {} failed: {}", ctx.method(), ctx.path(), e.toString());
                reply(ctx, 400, "bad request");
            });
            cfg.routes.error(404, "*", ctx -> {
                if (ctx.result() == null) {
                    reply(ctx, 404, "not found");
                }
            });
        });
    }

    public static Room start(Settings settings) {
        Room room = new Room(settings);
        room.sockets.start();
        room.http.start(settings.host(), settings.port());
        return room;
    }

    private static void reply(Context ctx, int status, String reason) {
        ctx.status(status).json(Map.of("error", reason));
    }

    private void join(Context ctx) {
        joins.check(address(ctx), "too many joins from this address", ctx);
        JsonNode body = body(ctx);
        String code = body.path("code").asText("");
        // compared in constant time, after the forgiving part: case, spaces, the dash
        if (!MessageDigest.isEqual(plain(code).getBytes(StandardCharsets.UTF_8), plain(settings.code()).getBytes(StandardCharsets.UTF_8))) {
            throw new RoomError(403, "wrong join code");
        }
        JsonNode given = body.get("name");
        String name = given == null || given.isNull() ? "participant " + (progress.size() + 1) : Progress.checkName(given.isTextual() ? given.asText() : "");
        String token = tokens.participant(name);
        RoomTokens.Participant participant = tokens.participantOf(token);
        progress.join(participant.id(), participant.name());
        LOG.info("{} joined", participant.id());
        sockets.changed();
        ctx.json(Map.of("token", token, "name", name));
    }

    private static String plain(String code) {
        return code.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
    }

    private void report(Context ctx) {
        RoomTokens.Participant participant = participant(ctx);
        reports.check(participant.id(), "too many reports", ctx);
        progress.report(participant.id(), participant.name(), body(ctx));
        sockets.changed();
        ctx.status(204);
    }

    private void leave(Context ctx) {
        RoomTokens.Participant participant = participant(ctx);
        progress.leave(participant.id());
        sockets.changed();
        ctx.status(204);
    }

    private RoomTokens.Participant participant(Context ctx) {
        String header = ctx.header("Authorization");
        String[] parts = header == null ? new String[0] : header.strip().split("\\s+");
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("bearer")) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new RoomError(401, "no token");
        }
        RoomTokens.Participant participant = tokens.participantOf(parts[1]);
        if (participant == null) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new RoomError(401, "invalid or expired token: join the room again");
        }
        return participant;
    }

    private static JsonNode body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new RoomError(400, "the body is a JSON object");
            }
            return node;
        } catch (java.io.IOException e) {
            throw new RoomError(400, "the body is not JSON");
        }
    }

    private static String address(Context ctx) {
        return ctx.req().getRemoteAddr();
    }

    public int port() {
        return http.port();
    }

    public int ioPort() {
        return sockets.port();
    }

    /** The room as the facilitator's page gets it. */
    Map<String, Object> snapshot() {
        return progress.snapshot();
    }

    public String code() {
        return settings.code();
    }

    /** A facilitator's token: the page's address carries it after {@code #} (never sent to a server, nor logged). */
    public String facilitatorToken() {
        return tokens.facilitator();
    }

    /** What the facilitator reads at the start: what participants type, and the page's address. */
    void announce() {
        String url = "http://" + publicHost() + ":" + port();
        System.out.println();
        System.out.println("The room is open. Participants type (from the kata's folder, on the same network):");
        System.out.println();
        System.out.println("    ./kata join " + url + " " + code() + " --name \"Their Name\"");
        System.out.println();
        System.out.println("Your page (keep its address to yourself: it holds your key to the room):");
        System.out.println();
        System.out.println("    " + url + "/#key=" + facilitatorToken());
        System.out.println();
        System.out.println("Ctrl-C closes the room.");
    }

    /** The address participants reach: HOST when it names one, else this machine's first address on a local network. */
    private String publicHost() {
        String host = settings.host();
        if (!host.equals("0.0.0.0") && !host.equals("::")) {
            return host;
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback() || nic.isVirtual()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && address.isSiteLocalAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // no interface to ask: this machine only
        }
        return "localhost";
    }

    @Override
    public void close() {
        http.stop();
        sockets.close();
    }

}
