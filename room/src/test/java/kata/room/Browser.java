package kata.room;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * Headless Chrome or Chromium as installed on the machine, driven through a chromedriver that is
 * installed too: no browser and no driver is ever downloaded. CHROME_BIN and CHROMEDRIVER name them
 * where they are somewhere else; otherwise the usual places of Linux, macOS and Windows, and PATH.
 */
// a copy of app/src/test/java/kata/Browser.java: the room is a module of its own, and the harness has no Selenium
final class Browser {

    private static final List<String> BROWSERS = candidates("CHROME_BIN", List.of(
            "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable",
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
            "/Applications/Chromium.app/Contents/MacOS/Chromium",
            programFiles("Google/Chrome/Application/chrome.exe"), localAppData("Google/Chrome/Application/chrome.exe"),
            programFiles("Chromium/Application/chrome.exe")),
            List.of("chromium", "chromium-browser", "google-chrome", "chrome.exe"));
    private static final List<String> DRIVERS = candidates("CHROMEDRIVER", List.of(
            "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver",
            "/opt/homebrew/bin/chromedriver", "/usr/local/bin/chromedriver",
            programFiles("Google/Chrome/Application/chromedriver.exe")),
            List.of("chromedriver", "chromedriver.exe"));

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
        String missing = "No Chrome or Chromium and chromedriver here (looked in CHROME_BIN and CHROMEDRIVER, the usual places, and PATH)."
                + " Install them to run the browser test (Debian: apt-get install chromium chromium-driver;"
                + " macOS: brew install --cask chromium chromedriver; Windows: Chrome, and the chromedriver of its"
                + " version on PATH), or name them with CHROME_BIN and CHROMEDRIVER";
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
        // Maven counts a skip without saying why: the console does
        System.err.println("SKIPPED: " + why);
        Assumptions.abort(why);
    }

    static Path screenshot(ChromeDriver chrome, String name) throws IOException {
        Path target = Path.of("target", name + ".png");
        Files.createDirectories(target.getParent());
        Files.write(target, ((TakesScreenshot) chrome).getScreenshotAs(OutputType.BYTES));
        return target;
    }

    /** The file named by the variable, then the usual places, then the names looked up on PATH. */
    private static List<String> candidates(String variable, List<String> places, List<String> onPath) {
        List<String> all = new ArrayList<>();
        String named = System.getenv(variable);
        if (named != null && !named.isBlank()) {
            all.add(named);
        }
        places.stream().filter(p -> !p.isEmpty()).forEach(all::add);
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                for (String name : onPath) {
                    if (!dir.isBlank()) {
                        all.add(Path.of(dir, name).toString());
                    }
                }
            }
        }
        return all.stream().distinct().toList();
    }

    private static String programFiles(String rest) {
        String dir = System.getenv("ProgramFiles");
        return dir == null ? "" : Path.of(dir, rest).toString();
    }

    private static String localAppData(String rest) {
        String dir = System.getenv("LOCALAPPDATA");
        return dir == null ? "" : Path.of(dir, rest).toString();
    }

    private static Optional<String> firstExisting(List<String> paths) {
        return paths.stream().filter(p -> Files.isRegularFile(Path.of(p)) && Files.isExecutable(Path.of(p))).findFirst();
    }
}
