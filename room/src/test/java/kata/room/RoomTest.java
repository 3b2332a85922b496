package kata.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.jsonwebtoken.Jwts;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.spec.SecretKeySpec;
import kata.harness.Http;
import kata.harness.Reply;
import kata.harness.TestEnv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The room's HTTP routes and its Socket.IO server, with bad input of every kind: each refusal is a 4xx with a
 * short JSON reason, never a 500 or a stack trace; a token proves one participant, and only the facilitator's
 * token opens the page's connection.
 */
class RoomTest {

    private Room room;
    private Http http;

    @BeforeEach
    void open() {
        room = Room.start(Rooms.settings());
        http = new Http(Rooms.url(room), Duration.ofSeconds(5));
    }

    @AfterEach
    void close() {
        room.close();
    }

    private Reply join(String json) {
        return http.postJson("/join", json);
    }

    private String token(String name) {
        Reply reply = join("{\"code\":\"" + Rooms.CODE + "\",\"name\":\"" + name + "\"}");
        assertThat(reply.status()).as(reply.summary()).isEqualTo(200);
        return reply.json().get("token").asText();
    }

    private Reply report(String token, String json) {
        return http.send(http.request("/report").header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)), "POST /report");
    }

    private static String reportOf(String step, String state) {
        return "{\"step\":\"" + step + "\",\"steps\":[{\"step\":\"" + step + "\",\"state\":\"" + state
                + "\",\"passed\":1,\"total\":3,\"failing\":\"LoginTokenTest#x\",\"hints\":1,\"minutes\":4}]}";
    }

    private static void assertRefused(Reply reply, int status, String reason) {
        assertThat(reply.status()).as(reply.summary()).isEqualTo(status);
        assertThat(reply.header("Content-Type").orElse("")).as(reply.summary()).startsWith("application/json");
        assertThat(reply.json().get("error").asText()).as(reply.summary()).contains(reason);
    }

    @Test
    void a_wrong_join_code_is_refused_and_a_right_one_forgives_case_and_spaces() {
        assertRefused(join("{\"code\":\"AAA-AAA\",\"name\":\"Alice\"}"), 403, "wrong join code");
        assertRefused(join("{\"name\":\"Alice\"}"), 403, "wrong join code");
        assertThat(join("{\"code\":\" 7kq 2mx \",\"name\":\"Alice\"}").status()).isEqualTo(200);
        assertThat(room.snapshot().get("participants").toString()).contains("Alice");
    }

    @Test
    void a_name_is_text_of_1_to_40_characters_markup_included() {
        assertRefused(join("{\"code\":\"" + Rooms.CODE + "\",\"name\":\"" + "x".repeat(41) + "\"}"), 400, "1 to 40 characters");
        assertRefused(join("{\"code\":\"" + Rooms.CODE + "\",\"name\":\"   \"}"), 400, "1 to 40 characters");
        assertRefused(join("{\"code\":\"" + Rooms.CODE + "\",\"name\":\"a\\u0000b\"}"), 400, "control characters");
        assertRefused(join("{\"code\":\"" + Rooms.CODE + "\",\"name\":{\"x\":1}}"), 400, "1 to 40 characters");
        Reply xss = join("{\"code\":\"" + Rooms.CODE + "\",\"name\":\"<img src=x onerror=alert(1)>\"}");
        assertThat(xss.json().get("name").asText()).isEqualTo("<img src=x onerror=alert(1)>");
    }

    @Test
    void what_is_not_json_or_too_large_gets_a_4xx_with_a_reason() {
        assertRefused(join("not json"), 400, "not JSON");
        assertRefused(join("[1,2]"), 400, "JSON object");
        assertRefused(join("{\"code\":\"" + "x".repeat(Room.LARGEST_BODY) + "\"}"), 413, "at most");
        String token = token("Alice");
        assertRefused(report(token, "{\"steps\":\"all\"}"), 400, "steps is a list");
        assertRefused(report(token, "{\"steps\":[{\"step\":\"3\",\"state\":\"red\"}]}"), 400, "two digits");
        assertRefused(report(token, "{\"steps\":[{\"step\":\"03\",\"state\":\"purple\"}]}"), 400, "state is one of");
        assertRefused(report(token, "{\"steps\":[{\"step\":\"03\",\"state\":\"red\",\"passed\":-1}]}"), 400, "whole number");
        assertRefused(report(token, "{\"steps\":[{\"step\":\"03\",\"state\":\"red\",\"failing\":\"" + "t".repeat(201) + "\"}]}"), 400, "at most 200");
        assertRefused(http.get("/nothing-here"), 404, "not found");
    }

    @Test
    void a_flood_of_joins_from_one_address_gets_429_with_retry_after() {
        for (int i = 0; i < 20; i++) {
            join("{\"code\":\"wrong\"}");
        }
        Reply refused = join("{\"code\":\"" + Rooms.CODE + "\",\"name\":\"Mallory\"}");
        assertRefused(refused, 429, "too many joins from this address, try again in");
        assertThat(refused.header("Retry-After")).isPresent();
    }

    @Test
    @SuppressWarnings("deprecation")
    void a_forged_or_expired_token_or_the_facilitators_cannot_report() {
        var otherKey = new SecretKeySpec(TestEnv.OTHER_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        String forged = Jwts.builder().issuer(RoomTokens.ISSUER).audience().single(RoomTokens.PARTICIPANT).subject("p-1")
                .claim("name", "Mallory").expiration(new Date(System.currentTimeMillis() + 60_000)).signWith(otherKey, Jwts.SIG.HS256).compact();
        var key = new SecretKeySpec(Rooms.SECRET, "HmacSHA256");
        String expired = Jwts.builder().issuer(RoomTokens.ISSUER).audience().single(RoomTokens.PARTICIPANT).subject("p-1")
                .claim("name", "Mallory").expiration(new Date(System.currentTimeMillis() - 60_000)).signWith(key, Jwts.SIG.HS256).compact();
        String noExp = Jwts.builder().issuer(RoomTokens.ISSUER).audience().single(RoomTokens.PARTICIPANT).subject("p-1")
                .claim("name", "Mallory").signWith(key, Jwts.SIG.HS256).compact();
        String unsigned = Jwts.builder().issuer(RoomTokens.ISSUER).audience().single(RoomTokens.PARTICIPANT).subject("p-1")
                .claim("name", "Mallory").expiration(new Date(System.currentTimeMillis() + 60_000)).compact();
        for (String token : List.of(forged, expired, noExp, unsigned, room.facilitatorToken(), "garbage")) {
            assertRefused(report(token, reportOf("03", "red")), 401, "invalid or expired token");
        }
        assertRefused(http.postJson("/report", reportOf("03", "red")), 401, "no token");
        assertThat(room.snapshot().get("participants").toString()).doesNotContain("Mallory");
    }

    @Test
    void a_report_changes_its_own_participants_line_and_no_other() {
        String alice = token("Alice");
        token("Bob");
        // Alice's body names Bob: the room files it under Alice, whom her token names
        assertThat(report(alice, "{\"id\":\"Bob\",\"name\":\"Bob\",\"step\":\"03\",\"steps\":[{\"step\":\"03\",\"state\":\"green\",\"passed\":5,\"total\":5}]}")
                .status()).isEqualTo(204);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> lines = (List<Map<String, Object>>) room.snapshot().get("participants");
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).containsEntry("name", "Alice").containsEntry("step", "03");
        assertThat(lines.get(1)).containsEntry("name", "Bob").containsEntry("step", null);
        assertThat(http.send(http.request("/leave").header("Authorization", "Bearer " + alice)
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()), "POST /leave").status()).isEqualTo(204);
        assertThat(room.snapshot().get("participants").toString()).doesNotContain("Alice").contains("Bob");
    }

    @Test
    void only_the_facilitators_token_opens_the_live_feed_and_a_refused_one_never_hears_connected() throws Exception {
        assertThat(feed(null).get(10, TimeUnit.SECONDS)).isEqualTo("connect_error: no token");
        assertThat(feed(token("Alice")).get(10, TimeUnit.SECONDS)).isEqualTo("connect_error: invalid token");
        assertThat(feed("forged").get(10, TimeUnit.SECONDS)).isEqualTo("connect_error: invalid token");
        assertThat(feed(room.facilitatorToken()).get(10, TimeUnit.SECONDS)).startsWith("connected; room: ").contains("Alice");
    }

    /** The first thing a connection with this token (in its CONNECT's auth) hears: connect_error, or the room. */
    private CompletableFuture<String> feed(String token) {
        IO.Options options = IO.Options.builder().setTransports(new String[] {"websocket"}).setForceNew(true).setReconnection(false)
                .setAuth(token == null ? Map.of() : Map.of("token", token)).build();
        Socket socket = IO.socket(URI.create("http://127.0.0.1:" + room.ioPort()), options);
        CompletableFuture<String> first = new CompletableFuture<>();
        StringBuffer heard = new StringBuffer();
        socket.on(Socket.EVENT_CONNECT, args -> {
            heard.append("connected; ");
            socket.emit(FacilitatorSockets.EVENT, new Object[0], answer -> first.complete(heard + "room: " + answer[0]));
        });
        socket.on(Socket.EVENT_CONNECT_ERROR, args -> first.complete(heard + "connect_error: "
                + (args.length > 0 && args[0] instanceof org.json.JSONObject o ? o.optString("message") : String.valueOf(args[0]))));
        socket.connect();
        return first.whenComplete((result, error) -> socket.close());
    }
}
