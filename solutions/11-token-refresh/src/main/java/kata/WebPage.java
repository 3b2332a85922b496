package kata;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page: web/public at /, and the official Socket.IO client that npm installs in web/node_modules
 * at /vendor/socket.io/ (the page loads /vendor/socket.io/socket.io.min.js).
 */
final class WebPage {

    private static final Logger LOG = LoggerFactory.getLogger(WebPage.class);

    private WebPage() {
    }

    static void serve(JavalinConfig cfg, Path webDir) {
        if (!Files.isDirectory(webDir)) {
            LOG.warn("no page to serve: {} is not a folder (set WEB_DIR)", webDir.toAbsolutePath());
            return;
        }
        cfg.staticFiles.add(webDir.toAbsolutePath().toString(), Location.EXTERNAL);
        Path client = webDir.toAbsolutePath().resolveSibling("node_modules/socket.io-client/dist");
        if (Files.isDirectory(client)) {
            cfg.staticFiles.add(files -> {
                files.hostedPath = "/vendor/socket.io";
                files.directory = client.toString();
                files.location = Location.EXTERNAL;
            });
        }
    }

    /**
     * Said when a person starts the app to use the page, not by every test that starts it: the tests
     * of the steps never load the page, so its missing client would only be noise there.
     */
    static void warnIfClientMissing(Path webDir) {
        Path client = webDir.toAbsolutePath().resolveSibling("node_modules/socket.io-client/dist");
        if (Files.isDirectory(webDir) && !Files.isDirectory(client)) {
            LOG.warn("the page's Socket.IO client is missing: run npm ci in web/ (./kata run does it)");
        }
    }
}
