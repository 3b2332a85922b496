package kata;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kata.harness.RunningApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page of the finished app, in a real browser: log in, see the connection (websocket only, the
 * token in the auth payload), get an event sent from another tab, log out and see the other tab follow;
 * a refused token's reason; a wrong password; and a session that expires.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PageTest {

    @RegisterExtension
    static final RunningApp<App> app = RunningApp.of(env -> App.start(Config.fromEnvironment(env)), App::httpPort)
            .withSocketPort(App::ioPort);

    /** The same app with tokens that live 3 s (TOKEN_LIFETIME), to see the page refresh them (step 11). */
    @RegisterExtension
    static final RunningApp<App> shortLived = RunningApp.of(env -> {
        Map<String, String> shortTokens = new HashMap<>(env);
        shortTokens.put("TOKEN_LIFETIME", "3");
        return App.start(Config.fromEnvironment(shortTokens));
    }, App::httpPort).withSocketPort(App::ioPort);

    /** And a login that can be refreshed for 5 s only (REFRESH_LIFETIME), to see a session end. */
    @RegisterExtension
    static final RunningApp<App> shortLogin = RunningApp.of(env -> {
        Map<String, String> shortTokens = new HashMap<>(env);
        shortTokens.put("TOKEN_LIFETIME", "3");
        shortTokens.put("REFRESH_LIFETIME", "5");
        return App.start(Config.fromEnvironment(shortTokens));
    }, App::httpPort).withSocketPort(App::ioPort);

    private static ChromeDriver chrome;

    @BeforeAll
    static void openBrowser() throws Exception {
        Browser.requirePageClient();
        chrome = Browser.start();
    }

    @AfterAll
    static void closeBrowser() {
        if (chrome != null) {
            chrome.quit();
        }
    }

    private static String page() {
        return "http://localhost:" + app.httpPort() + "/";
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(chrome, Duration.ofSeconds(10));
    }

    private static String text(String id) {
        return chrome.findElement(By.id(id)).getText();
    }

    /**
     * Loads the page, and logs out if it signs in by itself: since step 11 a page with a refresh cookie gets a
     * new token on load, and a test of the login form starts from the form.
     */
    private static void loadSignedOut(String url) {
        chrome.get(url);
        waiting().until(d -> d.findElement(By.id("signed-in")).isDisplayed() || d.findElement(By.id("signed-out")).isDisplayed());
        if (chrome.findElement(By.id("signed-in")).isDisplayed()) {
            chrome.findElement(By.id("logout")).click();
        }
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-out")));
    }

    private static void awaitText(String id, String expected) {
        waiting().withMessage(() -> "#" + id + " should read \"" + expected + "\", it reads \"" + text(id) + "\"")
                .until(ExpectedConditions.textToBe(By.id(id), expected));
    }

    @Test
    @Order(1)
    void the_page_is_served_at_the_root_with_its_socket_io_client() {
        assertThat(app.http().get("/").status()).as("GET / serves web/public/index.html").isEqualTo(200);
        assertThat(app.http().get("/vendor/socket.io/socket.io.min.js").status())
                .as("the client from web/node_modules (npm ci in web/, which ./kata run and ./kata check do)")
                .isEqualTo(200);
    }

    @Test
    @Order(2)
    void john_logs_in_connects_and_sees_an_event_sent_from_his_other_tab() throws Exception {
        loadSignedOut(page());
        chrome.findElement(By.id("login")).click();

        awaitText("status", "connected");
        awaitText("whoami", "john");
        assertThat(text("socket-id")).as("the socket id is shown once connected").isNotBlank().isNotEqualTo("—");
        assertThat(text("transport")).as("the page goes straight to websocket, its token in the auth payload (step 08)")
                .isEqualTo("websocket");
        String firstTab = chrome.getWindowHandle();

        chrome.switchTo().newWindow(WindowType.TAB);
        chrome.get(page());
        awaitText("status", "connected");
        chrome.findElement(By.id("notify")).click();
        awaitText("notify-result", "sent to 2 connection(s)");

        chrome.switchTo().window(firstTab);
        waiting().withMessage("the first tab should list the foo event sent from the second")
                .until(d -> text("events").contains("foo"));
        assertThat(text("events")).contains("bar");
        awaitText("online", "online: yes");
        Browser.screenshot(chrome, "page-signed-in");
    }

    @Test
    @Order(3)
    void log_out_in_one_tab_drops_the_other_tab_to_the_login_form_with_a_message() {
        List<String> tabs = new ArrayList<>(chrome.getWindowHandles());
        chrome.switchTo().window(tabs.get(0));
        chrome.findElement(By.id("logout")).click();

        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-out")));
        assertThat(chrome.findElement(By.id("signed-in")).isDisplayed()).isFalse();
        assertThat((Object) chrome.executeScript("return localStorage.getItem('kata.token')"))
                .as("log out forgets the token").isNull();

        // the server revoked the token and ended its connection in the other tab, saying why (step 09)
        chrome.switchTo().window(tabs.get(1));
        waiting().withMessage("the other tab should fall back to the login form")
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-out")));
        awaitText("login-error", "you logged out (in this tab or another), log in again");
        chrome.close();
        chrome.switchTo().window(tabs.get(0));
    }

    @Test
    @Order(7)
    void the_page_stays_connected_across_several_token_lifetimes_by_refreshing_its_token() {
        loadSignedOut("http://localhost:" + shortLived.httpPort() + "/");
        chrome.findElement(By.id("login")).click();
        awaitText("status", "connected");
        awaitText("whoami", "john");
        String socketId = text("socket-id");
        long started = System.nanoTime();

        // TOKEN_LIFETIME is 3 s for this app: told token_expiring 1.5 s before each exp, the page refreshes and
        // sends the new token on the same connection, every second or two, for three lifetimes and more
        new WebDriverWait(chrome, Duration.ofSeconds(20)).withMessage(() -> "the page should have refreshed its token for three"
                + " lifetimes; it did " + chrome.findElement(By.id("token-refreshed")).getAttribute("data-count") + " times, and reads: "
                + text("login-error") + " " + text("socket-note"))
                .until(d -> Duration.ofNanos(System.nanoTime() - started).toMillis() > 9_500
                        && Integer.parseInt(chrome.findElement(By.id("token-refreshed")).getAttribute("data-count")) >= 5);

        long lifetimes = Duration.ofNanos(System.nanoTime() - started).toMillis() / 3000;
        assertThat(text("status")).as("still connected after %d token lifetimes", lifetimes).isEqualTo("connected");
        assertThat(text("socket-id")).as("on the same connection: renewed, never dropped").isEqualTo(socketId);
        assertThat(chrome.findElement(By.id("signed-in")).isDisplayed()).isTrue();
        System.err.println("the page stayed connected, on one connection, across " + lifetimes + " token lifetimes");
        chrome.findElement(By.id("logout")).click();
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-out")));
    }

    @Test
    @Order(8)
    void when_the_login_can_no_longer_be_refreshed_the_session_ends_with_a_message() {
        loadSignedOut("http://localhost:" + shortLogin.httpPort() + "/");
        chrome.findElement(By.id("login")).click();
        awaitText("status", "connected");

        // REFRESH_LIFETIME is 5 s for this app: the refresh after that is refused, and the token then expires
        new WebDriverWait(chrome, Duration.ofSeconds(15)).withMessage(() -> "#login-error should say the session expired, it reads \""
                + text("login-error") + "\"").until(ExpectedConditions.textToBe(By.id("login-error"), "session expired, log in again"));
        assertThat(chrome.findElement(By.id("signed-in")).isDisplayed()).isFalse();
        assertThat((Object) chrome.executeScript("return localStorage.getItem('kata.token')"))
                .as("an expired token is forgotten").isNull();
    }

    @Test
    @Order(4)
    void a_stored_token_that_the_server_refuses_is_forgotten_on_load() {
        chrome.get(page());
        chrome.executeScript("localStorage.setItem('kata.token', 'not-a-token')");
        chrome.navigate().refresh();

        waiting().withMessage("GET /self refuses the stored token, so the login form shows")
                .until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-out")));
        assertThat((Object) chrome.executeScript("return localStorage.getItem('kata.token')")).isNull();
    }

    @Test
    @Order(5)
    void a_token_that_the_socket_server_refuses_shows_the_reason() {
        loadSignedOut(page());
        chrome.findElement(By.id("login")).click();
        awaitText("status", "connected");

        // the page connects again, with a token that GET /self never saw: the server refuses the CONNECT
        chrome.executeScript("socket.disconnect(); token = 'not-a-jwt';"
                + " connect(location.protocol + '//' + location.hostname + ':' + arguments[0], true)", app.app().ioPort());

        awaitText("status", "refused");
        awaitText("socket-note", "connection refused (invalid token): log in again");
        assertThat((Object) chrome.executeScript("return localStorage.getItem('kata.token')"))
                .as("a refused token is forgotten").isNull();
    }

    @Test
    @Order(6)
    void a_wrong_password_shows_the_message_and_clears_the_field() throws Exception {
        loadSignedOut(page());
        chrome.findElement(By.id("password")).clear();
        chrome.findElement(By.id("password")).sendKeys("wrong");
        chrome.findElement(By.id("login")).click();

        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
        assertThat(text("login-error")).contains("invalid credentials");
        assertThat(chrome.findElement(By.id("password")).getAttribute("value")).isEmpty();
        Browser.screenshot(chrome, "page-wrong-password");
    }
}
