package kata;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest.BodyPublishers;
import java.util.List;
import java.util.Map;
import kata.harness.Connection;
import kata.harness.Connection.Mode;
import kata.harness.Reply;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import kata.harness.TokenForge;
import kata.harness.TokenForge.BadToken;
import kata.harness.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Step 04: the Socket.IO handshake is authenticated with the bearer token, and only the handshake.
 * Every test that expects a refusal first checks that a good token is accepted: a server that refuses
 * everything is not authenticating anyone.
 */
class HandshakeTest {

    private static final String AUTH = "steps/04-handshake/src/main/java/kata/SocketAuth.java";

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> App.start(Config.fromEnvironment(env)), App::httpPort)
            .withSocketPort(App::ioPort);

    @RegisterExtension
    final Sockets sockets = new Sockets(app);

    private static String johnsToken() {
        return app.http().login("john", "changeit");
    }

    /** The control of every refusal test. */
    private void aGoodTokenIsAccepted() {
        sockets.connect(johnsToken());
    }

    @Test
    void john_connects_with_his_token_and_whoami_answers_john() {
        Connection john = sockets.connect(johnsToken());

        assertThat(john.ask("whoami"))
                .as("whoami answers the user kept with the connection at the handshake. Open " + AUTH)
                .isEqualTo("john");
    }

    @Test
    void jane_is_jane() {
        Connection jane = sockets.connect(app.http().login("jane", "changeit"));

        assertThat(jane.ask("whoami")).as("each connection keeps its own user. Open " + AUTH).isEqualTo("jane");
    }

    @Test
    void a_websocket_only_connection_with_the_header_works_too() {
        Connection john = sockets.open(johnsToken(), Mode.WEBSOCKET_ONLY).awaitConnected();

        assertThat(john.ask("whoami")).isEqualTo("john");
    }

    @Test
    void only_the_handshake_carries_the_token_and_the_session_upgrades_to_websocket() {
        Connection john = sockets.openWithTokenOnHandshakeOnly(johnsToken()).awaitConnected();

        assertThat(john.ask("whoami")).isEqualTo("john");
        org.awaitility.Awaitility.await().atMost(Connection.PATIENCE)
                .until(() -> john.ask("whoami").equals("john") && john.transportOfLastMessage().equals("websocket"));
        assertThat(john.requestsWithAuthorization())
                .as("the token went with the first polling request only; the later polls and the upgrade went without it")
                .containsExactly("polling request 1");
    }

    static List<BadToken> badTokens() {
        return TokenForge.badTokens();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void a_bad_token_is_refused_at_the_handshake(BadToken bad) {
        aGoodTokenIsAccepted();

        String refusal = sockets.open(bad.token(), Mode.POLLING_FIRST).awaitRefused();

        assertThat(refusal).as("a refused handshake is a bare 401, which the client reports as connect_error")
                .startsWith("connect_error");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"POLLING_FIRST", "WEBSOCKET_ONLY"})
    void no_header_is_refused(Mode mode) {
        aGoodTokenIsAccepted();

        sockets.openWithHeaders(Map.of(), mode).awaitRefused();
    }

    @ParameterizedTest(name = "authorization: {0}")
    @ValueSource(strings = {"Basic am9objpjaGFuZ2VpdA==", "Bearer", "Token abc"})
    void a_header_that_is_not_a_bearer_token_is_refused(String header) {
        aGoodTokenIsAccepted();

        sockets.openWithHeaders(Map.of("authorization", List.of(header)), Mode.POLLING_FIRST).awaitRefused();
    }

    @Test
    void the_page_may_connect_from_its_origin_but_another_site_may_not() {
        String token = johnsToken();
        Reply fromThePage = app.socketHttp().get("/socket.io/?EIO=4&transport=polling",
                "Origin", app.pageOrigin(), "Authorization", "Bearer " + token);
        Reply fromElsewhere = app.socketHttp().get("/socket.io/?EIO=4&transport=polling",
                "Origin", "http://evil.example", "Authorization", "Bearer " + token);

        assertThat(fromThePage.status()).as("%s. Open %s", fromThePage.summary(), AUTH).isEqualTo(200);
        assertThat(fromThePage.header("Access-Control-Allow-Origin")).contains(app.pageOrigin());
        assertThat(fromElsewhere.status())
                .as("a handshake from another site's page is refused, even with a good token: %s", fromElsewhere.summary())
                .isEqualTo(401);
    }

    @Test
    void the_browsers_preflight_is_let_through_and_allows_the_authorization_header() {
        aGoodTokenIsAccepted();
        Reply preflight = app.socketHttp().send(app.socketHttp().request("/socket.io/?EIO=4&transport=polling")
                .method("OPTIONS", BodyPublishers.noBody())
                .header("Origin", app.pageOrigin())
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization"), "OPTIONS /socket.io/ (preflight)");

        assertThat(preflight.status()).as("a preflight never carries a token: %s", preflight.summary()).isEqualTo(200);
        assertThat(preflight.header("Access-Control-Allow-Headers").orElse("").toLowerCase())
                .as("the browser may only send extraHeaders that the preflight allows")
                .contains("authorization");
    }

    @Test
    void a_request_dressed_as_a_preflight_gets_no_working_connection() {
        aGoodTokenIsAccepted();
        Connection sneaky = sockets.openWithHeaders(Map.of("Access-Control-Request-Method", List.of("GET")), Mode.POLLING_FIRST);
        sneaky.awaitOutcome();

        org.awaitility.Awaitility.await().atMost(Connection.PATIENCE).until(() -> !sneaky.isConnected());
    }

    @Test
    void a_client_cannot_choose_its_session_id() {
        String chosen = "0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f";
        Reply handshake = app.socketHttp().get("/socket.io/?EIO=4&transport=polling",
                "Authorization", "Bearer " + johnsToken(), "Cookie", "io=" + chosen, "io", chosen);

        assertThat(handshake.status()).as(handshake.summary()).isEqualTo(200);
        assertThat(handshake.body()).contains("\"sid\"").doesNotContain(chosen);
    }

    @Test
    void what_three_clients_see() {
        Connection john = sockets.connect(johnsToken());
        String refusedWithoutToken = sockets.openWithHeaders(Map.of(), Mode.POLLING_FIRST).awaitRefused();
        String refusedWithForgery = sockets.open(TokenForge.valid(1, "john").signedWith("HS256", kata.harness.TestEnv.OTHER_SECRET),
                Mode.WEBSOCKET_ONLY).awaitRefused();

        Transcript.verify("john, polling first: " + john.awaitOutcome() + ", whoami -> " + john.ask("whoami")
                + "\nno token, polling first: " + refusedWithoutToken
                + "\nforged token, websocket only: " + refusedWithForgery + "\n");
    }
}
