package kata;

import static kata.harness.ReplyAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import kata.harness.Reply;
import kata.harness.RunningApp;
import kata.harness.TestEnv;
import kata.harness.TokenForge;
import kata.harness.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Step 02: POST /login answers a signed JWT, like the guide's jwt.sign(..). */
class LoginTokenTest {

    private static final String TOKENS = "steps/02-jwt-signing/src/main/java/kata/Tokens.java";
    private static final String ROUTE = "steps/02-jwt-signing/src/main/java/kata/LoginRoute.java";

    /** The app's clock is stopped at this instant, so that iat and exp can be checked exactly. */
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(
            env -> App.start(Config.fromEnvironment(env).withClock(Clock.fixed(NOW, ZoneOffset.UTC))), App::httpPort);

    private static Reply loginAs(String username) {
        return app.http().postJson("/login", "{\"username\":\"" + username + "\",\"password\":\"changeit\"}");
    }

    private static TokenForge.Decoded tokenOf(Reply reply) {
        assertThat(reply).whereToLook(ROUTE + ": answer ctx.json(Map.of(\"token\", tokens.sign(user.get()))).").hasStatus(200);
        JsonNode token = reply.json().path("token");
        assertThat(token.isTextual())
                .as("POST /login should answer {\"token\": \"...\"}, but answered %s. Open %s", reply.body(), ROUTE)
                .isTrue();
        assertThat(reply.json().size()).as("the answer has only the token: %s", reply.body()).isEqualTo(1);
        return TokenForge.decode(token.asText());
    }

    @Test
    void john_gets_a_token_with_his_user_in_the_data_claim() {
        JsonNode claims = tokenOf(loginAs("john")).claims();

        assertThat(claims.path("data").toString())
                .as("the data claim carries the user, as the guide's jwt.sign({data: user}). Open " + TOKENS)
                .isEqualTo("{\"id\":1,\"username\":\"john\"}");
    }

    @Test
    void jane_gets_hers() {
        JsonNode claims = tokenOf(loginAs("jane")).claims();

        assertThat(claims.path("data").path("id").asInt()).as("jane is user 2. Open " + TOKENS).isEqualTo(2);
    }

    @Test
    void the_header_pins_HS256() {
        JsonNode header = tokenOf(loginAs("john")).header();

        assertThat(header.toString())
                .as("signWith(key, Jwts.SIG.HS256) names the algorithm; signWith(key) alone picks one by key length. Open " + TOKENS)
                .isEqualTo("{\"alg\":\"HS256\"}");
    }

    @Test
    void issuer_and_audience_are_the_guides() {
        JsonNode claims = tokenOf(loginAs("john")).claims();

        assertThat(claims.path("iss").asText()).as("iss. Open " + TOKENS).isEqualTo("accounts.examplesoft.com");
        assertThat(claims.path("aud").isTextual())
                .as("aud is a single string, as Node writes it: audience().single(AUDIENCE), not add(..). It is %s. Open %s",
                        claims.path("aud"), TOKENS)
                .isTrue();
        assertThat(claims.path("aud").asText()).as("aud. Open " + TOKENS).isEqualTo("yoursite.net");
    }

    @Test
    void it_is_issued_now_and_expires_in_one_hour() {
        JsonNode claims = tokenOf(loginAs("john")).claims();

        assertThat(claims.path("iat").asLong()).as("iat is the app's clock (Config.clock()), in seconds. Open " + TOKENS)
                .isEqualTo(NOW.getEpochSecond());
        assertThat(claims.path("exp").asLong()).as("exp is iat + 1 hour, like the guide's expiresIn: \"1h\". Open " + TOKENS)
                .isEqualTo(NOW.getEpochSecond() + 3600);
    }

    @Test
    void the_signature_is_HMAC_SHA_256_of_header_and_claims_with_the_secret() {
        Reply reply = loginAs("john");
        tokenOf(reply);
        String[] parts = reply.json().path("token").asText().split("\\.");

        assertThat(parts[2])
                .as("a token signed with JWT_SECRET's bytes verifies anywhere that has the secret (Node too). Open " + TOKENS)
                .isEqualTo(TokenForge.signature(parts[0] + "." + parts[1], "HS256", TestEnv.SECRET));
    }

    @Test
    void a_wrong_password_still_gets_401_and_no_token() {
        Reply reply = app.http().postJson("/login", "{\"username\":\"john\",\"password\":\"guess\"}");

        assertThat(reply).whereToLook(ROUTE).hasJsonError(401, "invalid credentials");
    }

    @Test
    void what_johns_token_says() {
        TokenForge.Decoded token = tokenOf(loginAs("john"));

        Transcript.verify("header: " + token.header().toPrettyString() + "\nclaims: " + token.claims().toPrettyString());
    }
}
