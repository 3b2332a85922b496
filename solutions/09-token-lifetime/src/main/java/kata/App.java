package kata;

import io.javalin.Javalin;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application: an HTTP server (login, a protected route, the page) and, on its own port, a
 * Socket.IO server whose connections are authenticated with the same tokens, sent in the handshake's
 * header or in the Socket.IO CONNECT's auth payload, and which live no longer than those tokens.
 */
public final class App implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(App.class);

    private final Javalin http;
    private final SocketServer sockets;
    private final Revocations revocations;

    private App(Javalin http, SocketServer sockets, Revocations revocations) {
        this.http = http;
        this.sockets = sockets;
        this.revocations = revocations;
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
        if (config.randomKey()) {
            LOG.warn("no JWT_SECRET: signing with a random key, so tokens will not survive a restart");
        }
        WebPage.warnIfClientMissing(config.webDir());
        // the URL the docs give: to a browser, 127.0.0.1 and localhost are two origins, each with its own stored token
        LOG.info("application is running at: http://{}:{} (Socket.IO on port {})", config.host().equals("127.0.0.1") ? "localhost" : config.host(), app.httpPort(), app.ioPort());
    }

    public static App start(Config config) {
        Users users = Users.demo();
        Tokens tokens = new Tokens(config.signingKey(), config.clock(), config.tokenLifetime());
        Revocations revocations = new Revocations(config.clock());
        JwtStrategy strategy = new JwtStrategy(tokens, users, revocations);
        PageOrigins page = new PageOrigins(config.host());
        SocketServer sockets = new SocketServer(config, new SocketAuth(strategy, page), new AuthPayload(strategy), strategy);
        Javalin http = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = config.host();
            WebPage.serve(cfg, config.webDir());
            // too many logins or logouts get 429 before any password or token is checked
            RateLimits limits = new RateLimits(config);
            limits.register(cfg);
            cfg.routes.post("/login", new LoginRoute(users, tokens, revocations, limits));
            cfg.routes.get("/self", new SelfRoute(strategy));
            cfg.routes.post("/notify", new NotifyRoute(strategy, sockets.rooms()));
            cfg.routes.post("/logout", new LogoutRoute(strategy, revocations, sockets));
            cfg.routes.get("/users/{id}/online", new OnlineRoute(strategy, sockets.presence()));
            // the page asks where the Socket.IO server listens, and how it takes the token (since step 08:
            // in the CONNECT's auth payload, so the page can go straight to websocket)
            cfg.routes.get("/config.json", ctx -> ctx.json(Map.of("ioPort", sockets.port(), "socketAuth", "payload")));
            ErrorReplies.register(cfg);
        });
        http.start(config.port());
        page.listeningOn(http.port());
        sockets.start();
        return new App(http, sockets, revocations);
    }

    public int httpPort() {
        return http.port();
    }

    public int ioPort() {
        return sockets.port();
    }

    /** Whether a user has a connection: {@code app.presence().isUserConnected(1)}. */
    public Presence presence() {
        return sockets.presence();
    }

    /** Sends to all the connections of one user: {@code app.rooms().sendTo(1, "foo", "bar")}. */
    public UserRooms rooms() {
        return sockets.rooms();
    }

    /** The tokens revoked by POST /logout, kept until they expire. */
    public Revocations revocations() {
        return revocations;
    }

    /** The Socket.IO server: its timers, for the tests that check nothing is left behind. */
    public SocketServer sockets() {
        return sockets;
    }

    @Override
    public void close() {
        sockets.close();
        http.stop();
    }
}
