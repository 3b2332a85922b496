package kata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kata.harness.Connection;
import kata.harness.Connection.Mode;
import kata.harness.RawSession;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import kata.harness.TestEnv;
import kata.harness.TokenForge;
import kata.harness.TokenForge.BadToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Step 08: a browser cannot set a header on a WebSocket, so the token comes in the Socket.IO CONNECT's
 * auth payload: {@code io(url, { transports: ["websocket"], auth: { token } })}. Every refusal test first
 * checks that a good payload is accepted: a server that refuses everything is not authenticating anyone.
 */
class AuthPayloadTest {

    private static final String PAYLOAD = "steps/08-auth-payload/src/main/java/kata/AuthPayload.java";
    private static final String AUTH = "steps/08-auth-payload/src/main/java/kata/SocketAuth.java";

    /**
     * Node's connectTimeout is 45 s; the app of the connect timeout's test closes a session without an accepted
     * CONNECT after 0.3 s. No client that means to connect is on it: the first connection of a JVM on a busy
     * machine can take a second between its handshake and its CONNECT.
     */
    private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(300);

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> App.start(Config.fromEnvironment(env)), App::httpPort)
            .withSocketPort(App::ioPort);

    @RegisterExtension
    final Sockets sockets = new Sockets(app);

    private static String johnsToken() {
        return app.http().login("john", "changeit");
    }

    private static String janesToken() {
        return app.http().login("jane", "changeit");
    }

    /** The control of every refusal test. */
    private Connection aGoodPayloadIsAccepted() {
        return sockets.connectWithPayload(johnsToken());
    }

    private static String refusedWith(String reason) {
        return "connect_error: {\"message\":\"" + reason + "\"}";
    }

    private static boolean online(int userId) {
        return app.app().presence().isUserConnected(userId);
    }

    @Test
    void john_connects_websocket_only_with_his_token_in_the_auth_payload() {
        Connection john = sockets.connectWithPayload(johnsToken());

        assertThat(john.ask("whoami")).as("the payload's user is the connection's user. Open " + PAYLOAD).isEqualTo("john");
        assertThat(john.transports())
                .as("websocket only: no polling request, so no preflight and no upgrade")
                .containsExactly("websocket");
    }

    @Test
    void the_header_of_steps_04_to_07_still_works() {
        aGoodPayloadIsAccepted();

        Connection john = sockets.connect(johnsToken());

        assertThat(john.ask("whoami")).isEqualTo("john");
    }

    static List<BadToken> badTokens() {
        return TokenForge.badTokens();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void a_bad_token_in_the_payload_is_refused_with_invalid_token(BadToken bad) {
        aGoodPayloadIsAccepted();

        String refusal = sockets.openWithPayload(Map.of("token", bad.token()), Map.of(), Mode.WEBSOCKET_ONLY).awaitRefused();

        assertThat(refusal).as("the client learns why, in one word it can act on, never which check failed. Open " + PAYLOAD)
                .isEqualTo(refusedWith("invalid token"));
    }

    static List<Arguments> payloadsOfTheWrongShape() {
        String good = TokenForge.valid(1, "john").signed();
        return List.of(
                Arguments.of("{}", "{}", "no token"),
                Arguments.of("{token: \"\"}", "{\"token\":\"\"}", "no token"),
                Arguments.of("{token: null}", "{\"token\":null}", "no token"),
                Arguments.of("{jwt: <good>}", "{\"jwt\":\"" + good + "\"}", "no token"),
                Arguments.of("{token: 123}", "{\"token\":123}", "invalid token"),
                Arguments.of("{token: true}", "{\"token\":true}", "invalid token"),
                Arguments.of("{token: {token: <good>}}", "{\"token\":{\"token\":\"" + good + "\"}}", "invalid token"),
                Arguments.of("{token: \"Bearer <good>\"}", "{\"token\":\"Bearer " + good + "\"}", "invalid token"),
                Arguments.of("{token: 30,000 characters}", "{\"token\":\"" + "x".repeat(30_000) + "\"}", "invalid token"));
    }

    @ParameterizedTest(name = "{0} is refused with {2}")
    @MethodSource("payloadsOfTheWrongShape")
    void a_payload_of_the_wrong_shape_is_refused_with_a_reason(String shape, String payload, String reason) {
        aGoodPayloadIsAccepted();
        RawSession raw = sockets.openRaw(Map.of());
        raw.awaitFrame("0{", "The server did not open the session: a handshake without a header must pass. Open " + AUTH);

        raw.send("40" + payload);

        assertThat(raw.awaitFrame("44", "Open " + PAYLOAD + ": any JSON object may come as the payload."))
                .as(shape).isEqualTo("44{\"message\":\"" + reason + "\"}");
    }

    @ParameterizedTest(name = "40{0} closes the connection", quoteTextArguments = false)
    @ValueSource(strings = {"[\"token\"]", "\"token\"", "{\"token\":[\"a\"]}", "{\"token\""})
    void a_payload_that_is_not_a_json_object_closes_the_connection_and_the_server_keeps_serving(String payload) {
        aGoodPayloadIsAccepted();
        RawSession raw = sockets.openRaw(Map.of());
        raw.awaitFrame("0{", "The server did not open the session: a handshake without a header must pass. Open " + AUTH);

        raw.send("40" + payload);

        // netty-socketio reads the payload as a JSON object (a Map) before any listener runs: anything else is bad input
        raw.awaitClosed(Connection.PATIENCE, "a payload that is not a JSON object cannot be read");
        assertThat(raw.frames()).as("no CONNECT was accepted").noneMatch(frame -> frame.startsWith("40"));
        aGoodPayloadIsAccepted();
    }

    @Test
    void a_payload_of_100_kb_is_refused_and_the_server_keeps_serving() {
        aGoodPayloadIsAccepted();

        String refusal = sockets.openWithPayload(Map.of("token", "x".repeat(100_000)), Map.of(), Mode.WEBSOCKET_ONLY).awaitRefused();

        assertThat(refusal).doesNotStartWith("connected");
        aGoodPayloadIsAccepted();
    }

    @Test
    void no_header_and_no_payload_is_refused_with_no_token() {
        aGoodPayloadIsAccepted();

        for (Mode mode : List.of(Mode.WEBSOCKET_ONLY, Mode.POLLING_FIRST)) {
            Connection nobody = sockets.openWithHeaders(Map.of(), mode);

            // a refusal only, never "connected" first: the CONNECT without a payload is decided like any other
            assertThat(nobody.awaitRefused()).as("a handshake without a header passes (" + AUTH + "), and its CONNECT, without"
                    + " a payload, is refused by SocketServer.authenticate").isEqualTo(refusedWith("no token"));
        }
    }

    @Test
    void a_refused_connection_gets_no_event_sent_to_its_user() {
        Connection john = aGoodPayloadIsAccepted();
        String forged = TokenForge.valid(1, "john").signedWith("HS256", kata.harness.TestEnv.OTHER_SECRET);
        Connection impostor = sockets.openWithPayload(Map.of("token", forged), Map.of(), Mode.WEBSOCKET_ONLY);
        assertThat(impostor.awaitRefused()).isEqualTo(refusedWith("invalid token"));

        assertThat(app.app().rooms().sendTo(1, "foo", "bar")).as("john's room holds his one accepted connection").isEqualTo(1);

        john.awaitEvent("foo");
        impostor.assertNoEvent("foo", Duration.ofMillis(300), "its CONNECT was refused, so it never joined john's room");
    }

    @Test
    void the_events_of_a_refused_connection_are_never_handled() {
        RawSession john = sockets.openRaw(Map.of());
        john.awaitFrame("0{", "Open " + AUTH + ": a handshake without a header must pass.");
        john.send("40{\"token\":\"" + johnsToken() + "\"}").send("421[\"whoami\"]");
        assertThat(john.awaitFrame("431", "Open " + PAYLOAD)).as("the control: an accepted connection's whoami").isEqualTo("431[\"john\"]");

        RawSession refused = sockets.openRaw(Map.of());
        refused.awaitFrame("0{", "");
        refused.send("40{\"token\":\"not-a-jwt\"}");
        refused.awaitFrame("44", "Open " + PAYLOAD);
        refused.send("421[\"whoami\"]");

        refused.assertNoFrame("43", Duration.ofMillis(300), "netty-socketio dispatches events after refusing a CONNECT;"
                + " SocketServer.onEvent must drop a connection without a user, never answer it");
        refused.awaitClosed(Connection.PATIENCE, "a refused session is closed by the server");
    }

    @Test
    void jane_is_online_from_her_accepted_connect_not_from_her_handshake() {
        String token = janesToken();
        await().atMost(Connection.PATIENCE).until(() -> !online(2));
        RawSession jane = sockets.openRaw(Map.of("Authorization", "Bearer " + token));
        jane.awaitFrame("0{", "a good header opens the session");

        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !online(2));

        jane.send("40{\"token\":\"" + token + "\"}");
        jane.awaitFrame("40{", "Open " + PAYLOAD);
        assertThat(online(2)).as("her CONNECT was accepted: she is online. Open " + PAYLOAD).isTrue();
    }

    @Test
    void a_session_that_never_sends_connect_is_never_online_and_is_closed_within_the_connect_timeout() throws Exception {
        aGoodPayloadIsAccepted();
        Map<String, String> shortTimeout = new HashMap<>(TestEnv.variables());
        shortTimeout.put("CONNECT_TIMEOUT_MS", String.valueOf(CONNECT_TIMEOUT.toMillis()));
        try (App quick = App.start(Config.fromEnvironment(shortTimeout))) {
            String url = "http://127.0.0.1:" + quick.ioPort();
            RawSession withoutHeader = sockets.openRawTo(url, Map.of());
            withoutHeader.awaitFrame("0{", "Open " + AUTH + ": a handshake without a header must pass, its token may come in the CONNECT");
            RawSession withHeader = sockets.openRawTo(url, Map.of("Authorization", "Bearer " + janesToken()));
            withHeader.awaitFrame("0{", "a good header opens the session");

            Duration bound = CONNECT_TIMEOUT.plus(Connection.PATIENCE);
            withoutHeader.awaitClosed(bound, "a session without an accepted CONNECT is closed after the connect timeout");
            withHeader.awaitClosed(bound, "a session without an accepted CONNECT is closed after the connect timeout");
            assertThat(quick.presence().isUserConnected(2)).as("jane never completed a CONNECT").isFalse();
        }
    }

    @Test
    void a_bad_header_is_refused_even_with_a_good_payload() {
        aGoodPayloadIsAccepted();

        String refusal = sockets.openWithPayload(Map.of("token", johnsToken()),
                Map.of("authorization", List.of("Bearer not-a-jwt")), Mode.WEBSOCKET_ONLY).awaitRefused();

        assertThat(refusal).as("the header is checked at the handshake, before any payload exists").startsWith("connect_error");
    }

    @Test
    void a_bad_payload_is_refused_even_with_a_good_header() {
        aGoodPayloadIsAccepted();

        String refusal = sockets.openWithPayload(Map.of("token", "not-a-jwt"),
                Map.of("authorization", List.of("Bearer " + johnsToken())), Mode.WEBSOCKET_ONLY).awaitRefused();

        assertThat(refusal).as("every token a client presents must be good. Open " + PAYLOAD).isEqualTo(refusedWith("invalid token"));
    }

    @Test
    void a_header_and_a_payload_of_two_users_are_refused() {
        Connection both = sockets.openWithPayload(Map.of("token", johnsToken()),
                Map.of("authorization", List.of("Bearer " + johnsToken())), Mode.WEBSOCKET_ONLY).awaitConnected();
        assertThat(both.ask("whoami")).as("the same user twice is fine").isEqualTo("john");

        String refusal = sockets.openWithPayload(Map.of("token", janesToken()),
                Map.of("authorization", List.of("Bearer " + johnsToken())), Mode.WEBSOCKET_ONLY).awaitRefused();

        assertThat(refusal).as("john's header, jane's payload: which one did the client mean?").isEqualTo(refusedWith("invalid token"));
    }

    @Test
    void a_websocket_from_another_site_is_refused_as_a_polling_request_is() {
        String token = johnsToken();
        sockets.openWithPayload(Map.of("token", token), Map.of("Origin", List.of(app.pageOrigin())), Mode.WEBSOCKET_ONLY)
                .awaitConnected();

        String refusal = sockets.openWithPayload(Map.of("token", token), Map.of("Origin", List.of("http://evil.example")),
                Mode.WEBSOCKET_ONLY).awaitRefused();

        assertThat(refusal).as("a WebSocket is not bound by CORS: the server must check the Origin (cross-site WebSocket hijacking)")
                .startsWith("connect_error");
    }
}
