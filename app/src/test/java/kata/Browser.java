package kata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium from the system's packages (Debian: chromium and chromium-driver), driven
 * through its own chromedriver: no browser and no driver is ever downloaded.
 */
final class Browser {

    private static final List<String> BROWSERS = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
    private static final List<String> DRIVERS = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    private Browser() {
    }

    /** The page's Socket.IO client from npm, or the test is skipped (fails under CI) with how to install it. */
    static void requirePageClient() {
        Path client = kata.harness.TestEnv.root().resolve("web/node_modules/socket.io-client/dist/socket.io.min.js");
        if (!Files.isRegularFile(client)) {
            skipOrFail("The page's Socket.IO client is not installed (" + client + "). Run: cd web && npm ci"
                    + " (./kata run and ./kata check do it when npm is there)");
        }
    }

    /**
     * A headless Chromium, or the test is skipped with how to install one. Where CI is set, a missing
     * browser fails instead: CI must test the page.
     */
    static ChromeDriver start() throws IOException {
        Optional<String> browser = firstExisting(BROWSERS);
        Optional<String> driver = firstExisting(DRIVERS);
        String missing = "No Chromium and chromedriver here (looked for " + BROWSERS + " and " + DRIVERS + ")."
                + " Install them to run the browser test: apt-get install chromium chromium-driver";
        if (browser.isEmpty() || driver.isEmpty()) {
            skipOrFail(missing);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.get());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1000,900",
                "--user-data-dir=" + Files.createTempDirectory("kata-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(driver.get()).toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver chrome = new ChromeDriver(service, options);
        chrome.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(10));
        return chrome;
    }

    private static void skipOrFail(String why) {
        if (System.getenv("CI") != null) {
            Assertions.fail(why + ". CI is set, so the browser test may not be skipped.");
        }
        Assumptions.abort(why);
    }

    static Path screenshot(ChromeDriver chrome, String name) throws IOException {
        Path target = Path.of("target", name + ".png");
        Files.createDirectories(target.getParent());
        Files.write(target, ((TakesScreenshot) chrome).getScreenshotAs(OutputType.BYTES));
        return target;
    }

    private static Optional<String> firstExisting(List<String> paths) {
        return paths.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst();
    }
}
