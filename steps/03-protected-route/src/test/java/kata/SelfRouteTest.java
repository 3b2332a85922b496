package kata;

import static kata.harness.ReplyAssert.assertThat;

import java.util.List;
import kata.harness.Reply;
import kata.harness.RunningApp;
import kata.harness.TokenForge;
import kata.harness.TokenForge.BadToken;
import kata.harness.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Step 03: GET /self answers the user that a bearer token proves, and 401 for anything else. */
class SelfRouteTest {

    private static final String STRATEGY = "steps/03-protected-route/src/main/java/kata/JwtStrategy.java";
    private static final String TOKENS = "steps/03-protected-route/src/main/java/kata/Tokens.java";
    private static final String ROUTE = "steps/03-protected-route/src/main/java/kata/SelfRoute.java";

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> App.start(Config.fromEnvironment(env)), App::httpPort);

    @Test
    void john_with_his_token_gets_his_user() {
        String token = app.http().login("john", "changeit");

        assertThat(app.http().getWithToken("/self", token))
                .whereToLook(ROUTE + ", then " + STRATEGY + " and " + TOKENS)
                .hasStatus(200)
                .hasJson("{\"id\":1,\"username\":\"john\"}");
    }

    @Test
    void jane_with_hers_gets_hers() {
        String token = app.http().login("jane", "changeit");

        assertThat(app.http().getWithToken("/self", token))
                .whereToLook(TOKENS + ": the user comes from the token's data claim.")
                .hasStatus(200)
                .hasJson("{\"id\":2,\"username\":\"jane\"}");
    }

    @ParameterizedTest(name = "scheme {0}")
    @ValueSource(strings = {"bearer", "BEARER", "BeArEr"})
    void the_scheme_is_case_insensitive(String scheme) {
        String token = app.http().login("john", "changeit");

        assertThat(app.http().get("/self", "Authorization", scheme + " " + token))
                .whereToLook(STRATEGY + ": auth schemes are case-insensitive (RFC 9110 section 11.1), as in passport-jwt.")
                .hasStatus(200);
    }

    @Test
    void no_header_gets_401_no_token() {
        Reply reply = app.http().get("/self");

        assertThat(reply).whereToLook(STRATEGY + ": no Authorization header -> throw new Unauthorized(\"no token\").")
                .hasJsonError(401, "no token")
                .hasHeader("WWW-Authenticate", "Bearer");
    }

    @ParameterizedTest(name = "Authorization: {0}")
    @ValueSource(strings = {"Basic am9objpjaGFuZ2VpdA==", "Bearer", "Bearer ", "Token abc", "bearerabc.def.ghi"})
    void a_header_that_is_not_a_bearer_token_gets_401(String header) {
        Reply reply = app.http().get("/self", "Authorization", header);

        assertThat(reply).whereToLook(STRATEGY + ": anything but \"Bearer <token>\" -> throw new Unauthorized(\"invalid token\").")
                .hasJsonError(401)
                .hasHeader("WWW-Authenticate", "Bearer");
    }

    static List<BadToken> badTokens() {
        return TokenForge.badTokens();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void a_bad_token_gets_401(BadToken bad) {
        Reply reply = app.http().getWithToken("/self", bad.token());

        assertThat(reply).whereToLook(TOKENS + ": Tokens.verify must refuse this token (" + bad.why()
                        + "), and " + STRATEGY + " turn that into Unauthorized.")
                .hasJsonError(401)
                .hasHeader("WWW-Authenticate", "Bearer");
    }

    @Test
    void an_expired_token_says_so() {
        String expired = TokenForge.badTokens().stream().filter(b -> b.why().startsWith("expired")).findFirst().orElseThrow().token();

        assertThat(app.http().getWithToken("/self", expired))
                .whereToLook(TOKENS + ": catch ExpiredJwtException before JwtException, and say \"token expired\","
                        + " so that a client knows to log in again.")
                .hasJsonError(401, "token expired");
    }

    @Test
    void the_server_keeps_serving_after_bad_tokens() {
        TokenForge.badTokens().forEach(bad -> app.http().getWithToken("/self", bad.token()));
        String token = app.http().login("john", "changeit");

        assertThat(app.http().getWithToken("/self", token)).whereToLook(ROUTE).hasStatus(200);
    }

    @Test
    void the_protected_exchange() {
        String token = app.http().login("john", "changeit");
        Reply ok = app.http().getWithToken("/self", token);
        Reply refused = app.http().get("/self");

        Transcript.verify(ok.transcript("Content-Type", "WWW-Authenticate") + "\n"
                + refused.transcript("Content-Type", "WWW-Authenticate"));
    }
}
