package kata.room;

import static org.assertj.core.api.Assertions.assertThat;

import cli.Participant;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The facilitator's page in headless Chromium: two participants (the command line's own code) on it, live; one
 * turns green and the page follows; a name made of markup shows as written; projector mode hides the names;
 * a page without the facilitator's key is refused. It takes the picture of docs/facilitator/README.md.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoomPageTest {

    private static Room room;
    private static ChromeDriver chrome;
    private static Participant alice;
    private static Participant mallory;
    private static Participant bob;

    @TempDir
    static Path laptops;

    @BeforeAll
    static void open() throws Exception {
        Browser.requirePageClient();
        room = Room.start(Rooms.settings());
        chrome = Browser.start();
        alice = new Participant(laptops.resolve("alice"));
        mallory = new Participant(laptops.resolve("mallory"));
        assertThat(alice.join(Rooms.url(room), Rooms.CODE, "Alice")).isZero();
        assertThat(mallory.join(Rooms.url(room), Rooms.CODE, "<img src=x onerror=alert(1)>")).isZero();
        bob = new Participant(laptops.resolve("bob"));
        assertThat(bob.join(Rooms.url(room), Rooms.CODE, "Bob")).isZero();
    }

    @AfterAll
    static void close() {
        if (chrome != null) {
            chrome.quit();
        }
        if (room != null) {
            room.close();
        }
    }

    private static String page() {
        return "http://localhost:" + room.port() + "/";
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(chrome, Duration.ofSeconds(10));
    }

    private static String text(String id) {
        return chrome.findElement(By.id(id)).getText();
    }

    /**
     * The participants' lines as the page shows them now, read in one go by the page itself: the page draws
     * them anew on every change, and an element found a moment before may be gone.
     */
    @SuppressWarnings("unchecked")
    private static List<String> rows() {
        return (List<String>) chrome.executeScript("return [...document.querySelectorAll('#rows tr')].map(r => r.innerText)");
    }

    /** The class of the cell of this line (0, 1, ...) and step ("03"): "cell green", "cell red", ... */
    private static String cell(int line, String step) {
        return String.valueOf(chrome.executeScript("const c = document.querySelectorAll('#rows tr')[arguments[0]]?.querySelector("
                + "'td[data-step=\"' + arguments[1] + '\"] .cell'); return c ? c.className : null", line, step));
    }

    @Test
    @Order(1)
    void the_page_shows_both_participants_live_and_follows_one_that_turns_green() throws Exception {
        chrome.get(page() + "#key=" + room.facilitatorToken());
        waiting().withMessage(() -> "the page should be live, its status reads " + text("status")).until(d -> text("status").equals("live"));
        waiting().withMessage(() -> "both participants should be listed, the page lists " + rows()).until(d -> rows().size() == 3);

        alice.verdict("03-protected-route", 2, 5, "kata.SelfRouteTest.an_expired_token_gets_401");
        mallory.verdict("02-jwt-signing", 1, 4, "kata.SigningTest.the_key_has_256_bits");
        bob.verdict("01-login", 6, 6, null);
        bob.verdict("02-jwt-signing", 4, 4, null);
        bob.verdict("03-protected-route", 0, 5, "kata.SelfRouteTest.no_token_gets_401");
        waiting().withMessage(() -> "the red ones should be listed, the page says " + text("stuck"))
                .until(d -> text("stuck").contains("Alice: step 03, 0 min, SelfRouteTest#an_expired_token_gets_401"));
        waiting().withMessage(() -> "the counts should follow every verdict, the page says " + text("summary"))
                .until(d -> text("summary").equals("3 in the room\nstep 02: 1\nstep 03: 2\ndone: 0"));
        waiting().until(d -> text("stuck").contains("Bob: step 03"));
        Browser.screenshot(chrome, "room-page");

        alice.verdict("03-protected-route", 5, 5, null);
        waiting().withMessage(() -> "Alice's step 03 should turn green, her line reads " + rows().get(0))
                .until(d -> cell(0, "03").contains("green"));
        assertThat(rows().get(0)).contains("Alice", "5/5");
        assertThat(text("stuck")).doesNotContain("Alice");
    }

    @Test
    @Order(2)
    void a_name_made_of_markup_shows_as_written() {
        assertThat(rows().get(1)).startsWith("<img src=x onerror=alert(1)>");
        assertThat(chrome.executeScript("return document.querySelectorAll('#rows img, #stuck img').length")).as("no element made of a name")
                .isEqualTo(0L);
    }

    @Test
    @Order(3)
    void projector_mode_shows_no_names() throws Exception {
        chrome.findElement(By.id("projector")).click();
        waiting().until(d -> rows().get(0).startsWith("#1"));
        assertThat(String.join(" ", rows()) + text("stuck")).doesNotContain("Alice").doesNotContain("<img");
        Browser.screenshot(chrome, "room-page-projector");
        chrome.findElement(By.id("projector")).click();
    }

    @Test
    @Order(4)
    void a_page_without_the_facilitators_key_shows_nobody() {
        // another address than before: a change of the fragment alone would not load the page again
        chrome.get(page() + "?a-participants-key#key=" + alice.token());
        waiting().until(d -> text("status").startsWith("refused"));
        assertThat(text("status")).isEqualTo("refused: invalid token");
        assertThat(rows()).isEmpty();
        chrome.get(page() + "?without-a-key");
        waiting().withMessage(() -> "the page should say it has no key, its status reads " + text("status"))
                .until(d -> text("status").startsWith("no key"));
    }
}
