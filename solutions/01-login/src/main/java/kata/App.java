package kata;

import io.javalin.Javalin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The application: an HTTP server with the login route and the page. */
public final class App implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(App.class);

    private final Javalin http;

    private App(Javalin http) {
        this.http = http;
    }

    public static void main(String[] args) {
        Config config;
        App app;
        try {
            config = Config.fromEnvironment(System.getenv());
            app = start(config);
        } catch (Exception e) {
            // a bad setting or a port in use: say which, without a stack trace
            System.err.println("Cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
        WebPage.warnIfClientMissing(config.webDir());
        // the URL the docs give: to a browser, 127.0.0.1 and localhost are two origins, each with its own stored token
        LOG.info("application is running at: http://{}:{}", config.host().equals("127.0.0.1") ? "localhost" : config.host(), app.httpPort());
    }

    public static App start(Config config) {
        Users users = Users.demo();
        Javalin http = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = config.host();
            WebPage.serve(cfg, config.webDir());
            cfg.routes.post("/login", new LoginRoute(users));
            ErrorReplies.register(cfg);
        });
        http.start(config.port());
        return new App(http);
    }

    public int httpPort() {
        return http.port();
    }

    @Override
    public void close() {
        http.stop();
    }
}
