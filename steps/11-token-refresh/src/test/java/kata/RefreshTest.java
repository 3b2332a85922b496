package kata;

import static kata.harness.ReplyAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest.BodyPublishers;
import java.time.Duration;
import kata.Logins.Login;
import kata.harness.Connection;
import kata.harness.Reply;
import kata.harness.RunningApp;
import kata.harness.Sockets;
import kata.harness.TestClock;
import kata.harness.TokenForge;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Step 11: a login gets a refresh token that rotates. Each refresh answers a new access token and the next
 * refresh token; a refresh token that was replaced and comes back means someone else holds it too, and the
 * whole login is revoked: its refresh token, its access tokens, its connections. The app runs on a clock
 * the tests move, to see a day pass without waiting for it.
 */
@Order(1)
class RefreshTest {

    private static final TestClock clock = TestClock.stopped();

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> App.start(Config.fromEnvironment(env).withClock(clock)), App::httpPort)
            .withSocketPort(App::ioPort);

    @RegisterExtension
    final Sockets sockets = new Sockets(app);

    /** Past the grace in which a replaced refresh token still gets the current one (5 s by default). */
    private static void afterTheGrace() {
        clock.advance(Duration.ofSeconds(6));
    }

    @Test
    void the_refresh_token_is_a_cookie_the_page_cannot_read_sent_to_refresh_only() {
        Reply login = app.http().postJson("/login", "{\"username\":\"john\",\"password\":\"changeit\"}");

        assertThat(login).hasStatus(200);
        String cookie = Logins.setCookie(login).orElseThrow(() -> new AssertionError("POST /login set no cookie "
                + RefreshTokens.COOKIE + ". Open " + Logins.ROUTE + ", setCookie(..)"));
        assertThat(cookie.toLowerCase())
                .as("the refresh cookie must be out of reach of the page's script, sent to /refresh only, never from another"
                        + " site: %s. Open %s, setCookie(..)", cookie, Logins.ROUTE)
                .contains("; httponly").contains("; path=/refresh").contains("; samesite=strict").contains("; max-age=604800");
        assertThat(cookie.toLowerCase()).as("Secure only over HTTPS: this is plain HTTP, where the browser would drop it")
                .doesNotContain("; secure");
        assertThat(TokenForge.decode(login.json().path("token").asText()).claims().path("fam").asText())
                .as("the access token names its login (fam), so that the login's end voids it").isNotEmpty();
    }

    @Test
    void a_refresh_answers_a_new_token_of_the_same_login_and_the_next_refresh_token() {
        Login login = Logins.login(app.http(), "john");
        clock.advance(Duration.ofMinutes(10));

        Login next = Logins.refreshed(app.http(), login.refreshToken());

        var before = TokenForge.decode(login.token()).claims();
        var after = TokenForge.decode(next.token()).claims();
        assertThat(after.path("fam").asText()).as("the same login").isEqualTo(before.path("fam").asText());
        assertThat(after.path("jti").asText()).as("a new token").isNotEqualTo(before.path("jti").asText());
        assertThat(after.path("exp").asLong()).as("that lives from now").isEqualTo(before.path("exp").asLong() + 600);
        assertThat(next.refreshToken()).as("the refresh token rotates: each is used once").isNotEqualTo(login.refreshToken());
        assertThat(app.http().getWithToken("/self", next.token())).hasStatus(200);
        assertThat(Logins.refreshed(app.http(), next.refreshToken()).token()).as("and the next one works in turn").isNotEmpty();
    }

    @Test
    void a_replaced_refresh_token_that_comes_back_revokes_the_whole_login_and_ends_its_connections() {
        Login login = Logins.login(app.http(), "john");
        Login other = Logins.login(app.http(), "john");
        Connection tab = sockets.connectWithPayload(login.token());
        Connection otherLogin = sockets.connectWithPayload(other.token());
        Login next = Logins.refreshed(app.http(), login.refreshToken());
        afterTheGrace();

        Reply replay = Logins.refresh(app.http(), login.refreshToken());

        assertThat(replay).whereToLook(Logins.TOKENS).hasJsonError(401, "refresh token reused");
        assertThat(Logins.refreshCookie(replay)).as("the refusal deletes the cookie").contains("");
        assertThat(tab.awaitEvent("session_ended", "The login's connection must end when its refresh token is used twice. Open "
                + Logins.TOKENS).payload()).isEqualTo("refresh token reused");
        assertThat(Logins.refresh(app.http(), next.refreshToken())).as("the thief's copy is as dead as the user's")
                .hasJsonError(401, "refresh token revoked");
        assertThat(app.http().getWithToken("/self", next.token())).as("every access token of the login is void")
                .hasJsonError(401, "token revoked");
        assertThat(otherLogin.ask("whoami")).as("john's other login is not touched").isEqualTo("john");
        assertThat(Logins.refreshed(app.http(), other.refreshToken()).token()).isNotEmpty();
    }

    @Test
    void two_tabs_that_refresh_at_once_with_one_token_both_get_the_current_one() {
        Login login = Logins.login(app.http(), "john");

        Login first = Logins.refreshed(app.http(), login.refreshToken());
        Login second = Logins.refreshed(app.http(), login.refreshToken());

        assertThat(second.refreshToken()).as("within the grace, the token just replaced gets the one that replaced it, not a"
                + " revocation. Open " + Logins.TOKENS).isEqualTo(first.refreshToken());
        assertThat(Logins.refreshed(app.http(), first.refreshToken()).token()).isNotEmpty();
    }

    @Test
    void a_login_unused_for_a_day_or_older_than_a_week_cannot_be_refreshed() {
        Login idle = Logins.login(app.http(), "john");
        clock.advance(Duration.ofDays(1).plusMinutes(1));
        assertThat(Logins.refresh(app.http(), idle.refreshToken())).whereToLook(Logins.TOKENS)
                .hasJsonError(401, "refresh token expired");

        Login old = Logins.login(app.http(), "john");
        String refreshToken = old.refreshToken();
        for (int day = 0; day < 7; day++) {
            clock.advance(Duration.ofHours(23));
            refreshToken = Logins.refreshed(app.http(), refreshToken).refreshToken();
        }
        clock.advance(Duration.ofHours(8));
        assertThat(Logins.refresh(app.http(), refreshToken)).as("used every day, but a week old").whereToLook(Logins.TOKENS)
                .hasJsonError(401, "refresh token expired");
    }

    @Test
    void a_logout_ends_the_login_in_every_tab_and_its_refresh_token() {
        Login login = Logins.login(app.http(), "john");
        Login secondTab = Logins.refreshed(app.http(), login.refreshToken());
        Connection first = sockets.connectWithPayload(login.token());
        Connection second = sockets.connectWithPayload(secondTab.token());

        Reply logout = app.http().postWithToken("/logout", login.token());

        assertThat(logout).hasStatus(200).hasJson("{\"disconnected\":2}");
        assertThat(first.awaitEvent("session_ended").payload()).isEqualTo("logged out");
        assertThat(second.awaitEvent("session_ended", "the other tab's token is of the same login: it goes too").payload())
                .isEqualTo("logged out");
        assertThat(Logins.refresh(app.http(), secondTab.refreshToken())).hasJsonError(401, "refresh token revoked");
    }

    @Test
    void a_logout_everywhere_ends_every_login_of_the_user() {
        Login login = Logins.login(app.http(), "jane");

        assertThat(app.http().postWithToken("/logout?everywhere=true", Logins.login(app.http(), "jane").token())).hasStatus(200);

        assertThat(Logins.refresh(app.http(), login.refreshToken())).as("a login from before a logout everywhere")
                .whereToLook(Logins.TOKENS).hasJsonError(401, "refresh token revoked");
    }

    @Test
    void a_forged_or_respelled_refresh_token_is_refused_and_changes_nothing() {
        Login login = Logins.login(app.http(), "john");
        String token = login.refreshToken();
        String[] parts = token.split("\\.");

        for (String bad : new String[] {
                parts[0] + "." + (Long.parseLong(parts[1]) + 1) + "." + parts[2],
                parts[0] + "." + parts[1] + "." + parts[2].substring(0, 42) + (parts[2].charAt(42) == 'A' ? 'B' : 'A'),
                parts[0] + ".0" + parts[1] + "." + parts[2],
                token + "=",
                "x",
                ""}) {
            assertThat(Logins.refresh(app.http(), bad)).as("refresh token %s", bad.isEmpty() ? "(empty)" : bad)
                    .whereToLook(Logins.TOKENS).hasJsonError(401);
        }
        assertThat(Logins.refreshed(app.http(), token).token()).as("the real one still works").isNotEmpty();
    }

    @Test
    void refresh_answers_only_the_page_and_one_refresh_token() {
        Login login = Logins.login(app.http(), "john");
        String cookie = RefreshTokens.COOKIE + "=" + login.refreshToken();

        Reply fromElsewhere = app.http().send(app.http().request("/refresh").header("Cookie", cookie)
                .header("Origin", "http://evil.example").POST(BodyPublishers.noBody()), "POST /refresh from another site");
        Reply twoCookies = app.http().send(app.http().request("/refresh").header("Cookie", cookie + "; " + cookie)
                .POST(BodyPublishers.noBody()), "POST /refresh with two cookies");
        Reply none = app.http().send(app.http().request("/refresh").POST(BodyPublishers.noBody()), "POST /refresh without a cookie");

        assertThat(fromElsewhere).whereToLook(Logins.ROUTE).hasJsonError(403);
        assertThat(twoCookies).whereToLook(Logins.ROUTE).hasJsonError(400, "more than one refresh token");
        assertThat(none).whereToLook(Logins.ROUTE).hasJsonError(401, "no refresh token");
        assertThat(Logins.refreshed(app.http(), login.refreshToken()).token()).isNotEmpty();
    }
}
