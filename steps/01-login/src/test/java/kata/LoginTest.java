package kata;

import static kata.harness.ReplyAssert.assertThat;

import kata.harness.Reply;
import kata.harness.RunningApp;
import kata.harness.Transcript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Step 01: POST /login checks a username and a password, and refuses bad input cleanly. */
class LoginTest {

    private static final String ROUTE = "steps/01-login/src/main/java/kata/LoginRoute.java";

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> App.start(Config.fromEnvironment(env)), App::httpPort);

    @Test
    void john_with_the_right_password_gets_his_user() {
        Reply reply = app.http().postJson("/login", "{\"username\":\"john\",\"password\":\"changeit\"}");

        assertThat(reply).whereToLook(ROUTE + ": answer ctx.json(user) when users.authenticate(..) finds one.")
                .hasStatus(200)
                .hasJson("{\"id\":1,\"username\":\"john\"}");
    }

    @Test
    void jane_gets_hers() {
        Reply reply = app.http().postJson("/login", "{\"username\":\"jane\",\"password\":\"changeit\"}");

        assertThat(reply).whereToLook(ROUTE + ": the user comes from users.authenticate(..), not from a constant.")
                .hasStatus(200)
                .hasJson("{\"id\":2,\"username\":\"jane\"}");
    }

    @Test
    void a_wrong_password_gets_401_invalid_credentials() {
        Reply reply = app.http().postJson("/login", "{\"username\":\"john\",\"password\":\"guess\"}");

        assertThat(reply).whereToLook(ROUTE + ": throw new HttpError(401, \"invalid credentials\") when users.authenticate(..) is empty.")
                .hasJsonError(401, "invalid credentials");
    }

    @Test
    void an_unknown_user_gets_the_same_answer_as_a_wrong_password() {
        Reply wrongPassword = app.http().postJson("/login", "{\"username\":\"john\",\"password\":\"guess\"}");
        Reply unknownUser = app.http().postJson("/login", "{\"username\":\"mallory\",\"password\":\"guess\"}");

        assertThat(unknownUser).whereToLook(ROUTE + ": an unknown user and a wrong password must look the same,"
                        + " or the answer tells an attacker which usernames exist.")
                .hasJsonError(401)
                .hasJson(wrongPassword.body());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "{\"username\":\"john\",\"password\":",
        "not json at all",
        "",
        "{\"username\":\"john\"}",
        "{\"password\":\"changeit\"}",
        "{\"username\":\"john\",\"password\":42}",
        "{\"username\":[\"john\"],\"password\":\"changeit\"}",
        "[\"john\",\"changeit\"]",
        "{\"username\":\"john\",\"password\":\"changeit\"} trailing"
    })
    void a_body_that_is_not_a_pair_of_strings_gets_400(String body) {
        Reply reply = app.http().postJson("/login", body);

        assertThat(reply).whereToLook(ROUTE + ": read the body with JsonBody.read(ctx), then both fields must be"
                        + " strings, else throw new HttpError(400, ..).")
                .hasJsonError(400);
    }

    @Test
    void a_form_post_gets_415() {
        Reply reply = app.http().post("/login", "application/x-www-form-urlencoded", "username=john&password=changeit");

        assertThat(reply).whereToLook(ROUTE + ": JsonBody.read(ctx) answers 415 for anything but application/json.")
                .hasJsonError(415);
    }

    @Test
    void a_body_over_16_KiB_gets_413() {
        Reply reply = app.http().postJson("/login", "{\"username\":\"" + "j".repeat(17 * 1024) + "\",\"password\":\"x\"}");

        assertThat(reply).whereToLook(ROUTE + ": JsonBody.read(ctx) refuses bodies over JsonBody.LIMIT_BYTES.")
                .hasJsonError(413);
    }

    @Test
    void a_chunked_body_over_16_KiB_gets_413_too() {
        byte[] body = ("{\"username\":\"" + "j".repeat(17 * 1024) + "\",\"password\":\"x\"}").getBytes();
        Reply reply = app.http().postChunked("/login", "application/json", body);

        assertThat(reply).whereToLook(ROUTE + ": a chunked body announces no length; JsonBody.read(ctx) counts what it reads.")
                .hasJsonError(413);
    }

    @Test
    void the_server_keeps_serving_after_bad_input() {
        app.http().postJson("/login", "{\"username\":");
        app.http().post("/login", "text/plain", "john:changeit");
        Reply reply = app.http().postJson("/login", "{\"username\":\"john\",\"password\":\"changeit\"}");

        assertThat(reply).whereToLook(ROUTE).hasStatus(200);
    }

    @Test
    void the_login_exchange_reads_like_the_guide() {
        Reply ok = app.http().postJson("/login", "{\"username\":\"john\",\"password\":\"changeit\"}");
        Reply refused = app.http().postJson("/login", "{\"username\":\"john\",\"password\":\"guess\"}");

        Transcript.verify(ok.transcript("Content-Type") + "\n" + refused.transcript("Content-Type"));
    }
}
