package kata;

import static kata.harness.ReplyAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kata.harness.Balancer;
import kata.harness.Http;
import kata.harness.RedisServer;
import kata.harness.RunningApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real browser, as {@code ./kata cluster} serves it: from HAProxy's port, in front of two
 * nodes told the balancer's ports (PUBLIC_PORT, PUBLIC_IO_PORT). It connects through the balancer, which
 * pins it to a node with its cookie, and gets what the other node sends to john.
 */
class ClusterPageTest {

    static final int PORT = Balancer.freePort();
    static final int IO_PORT = Balancer.freePort();

    @RegisterExtension
    @Order(0)
    static final RedisServer redis = new RedisServer();

    @RegisterExtension
    @Order(1)
    static final RunningApp<App> nodeA = node();

    @RegisterExtension
    @Order(2)
    static final RunningApp<App> nodeB = node();

    @RegisterExtension
    @Order(3)
    static final Balancer balancer = Balancer.sticky(() -> List.of(Balancer.Node.of("A", nodeA), Balancer.Node.of("B", nodeB)))
            .onPorts(PORT, IO_PORT);

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

    @Test
    void the_page_behind_the_balancer_connects_through_it_and_gets_what_the_other_node_sends() {
        chrome.get("http://localhost:" + PORT + "/");
        // the form shows once the page has asked for a refresh (step 11) and was refused: no login yet
        new WebDriverWait(chrome, Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-out")));
        chrome.findElement(By.id("login")).click();
        WebDriverWait waiting = new WebDriverWait(chrome, Duration.ofSeconds(10));
        waiting.withMessage(() -> "#status should read \"connected\": the page asks /config.json for the Socket.IO port, which must be the"
                + " balancer's (PUBLIC_IO_PORT), and its origin must be the balancer's (PUBLIC_PORT)")
                .until(ExpectedConditions.textToBe(By.id("status"), "connected"));
        Cookie cookie = chrome.manage().getCookieNamed(Balancer.COOKIE);
        assertThat(cookie).as("the balancer's cookie, set on the websocket's handshake").isNotNull();

        // from the node that does not have the tab, straight to it: the event crosses through Redis
        Http other = cookie.getValue().equals("A") ? nodeB.http() : nodeA.http();
        String token = other.login("john", "changeit");
        assertThat(other.postWithToken("/notify", token)).hasStatus(200).hasJson("{\"connections\":0}");
        waiting.withMessage("the tab should list the foo event sent from the other node").until(d -> d.findElement(By.id("events")).getText()
                .contains("foo"));
    }

    static RunningApp<App> node() {
        return RunningApp.of(env -> {
            Map<String, String> behind = new HashMap<>(env);
            behind.put("REDIS_URL", redis.url());
            behind.put("PUBLIC_PORT", String.valueOf(PORT));
            behind.put("PUBLIC_IO_PORT", String.valueOf(IO_PORT));
            return App.start(Config.fromEnvironment(behind));
        }, App::httpPort).withSocketPort(App::ioPort);
    }
}
