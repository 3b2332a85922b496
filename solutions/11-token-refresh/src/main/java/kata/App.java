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
    private final SharedRevocations shared;

    private App(Javalin http, SocketServer sockets, Revocations revocations, SharedRevocations shared) {
        this.http = http;
        this.sockets = sockets;
        this.revocations = revocations;
        this.shared = shared;
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
        if (config.scaledOut()) {
            LOG.info("one node of several: rooms, presence and logouts are shared through Redis at {}, under the prefix {}",
                    Config.shown(config.redisUrl()), config.redisPrefix());
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
        RedisLink redis = config.scaledOut() ? RedisAdapter.connect(config.redisUrl(), config.redisPrefix(), config.redisOutageLog()) : null;
        SocketServer sockets = new SocketServer(config, new SocketAuth(strategy, page), new AuthPayload(strategy), strategy, redis);
        // a logout on any node, on every node: the revocations, and the connections they end
        SharedRevocations shared = redis == null ? null
                : new SharedRevocations(redis, revocations, sockets, users, config.tokenLifetime());
        // the logins that refresh their tokens (step 11): on one node in memory, on several in Redis
        Families families = redis == null ? Families.inMemory(config.refresh().lifetime(), 100_000)
                : new RedisFamilies(redis, config.refresh().lifetime());
        RefreshTokens refresh = new RefreshTokens(tokens, users, revocations, families, sockets, config);
        Javalin http = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = config.host();
            WebPage.serve(cfg, config.webDir());
            // too many logins or logouts get 429 before any password or token is checked
            RateLimits limits = new RateLimits(config);
            limits.register(cfg);
            cfg.routes.post("/login", new LoginRoute(users, refresh, limits, config.refresh().lifetime()));
            cfg.routes.post(RefreshRoute.PATH, new RefreshRoute(refresh, page, config.refresh().lifetime()));
            cfg.routes.get("/self", new SelfRoute(strategy));
            cfg.routes.post("/notify", new NotifyRoute(strategy, sockets.rooms()));
            cfg.routes.post("/logout", new LogoutRoute(strategy, revocations, sockets, refresh));
            cfg.routes.get("/users/{id}/online", new OnlineRoute(strategy, sockets.presence()));
            // the page asks where the Socket.IO server listens, and how it takes the token (since step 08:
            // in the CONNECT's auth payload, so the page can go straight to websocket; since step 11, fresh
            // from POST /refresh when it expires). Behind a balancer, where the balancer listens: the page
            // must not go around it to this node
            cfg.routes.get("/config.json", ctx -> ctx.json(Map.of("ioPort", config.publicIoPort() > 0 ? config.publicIoPort() : sockets.port(),
                    "socketAuth", "payload", "refresh", true)));
            ErrorReplies.register(cfg);
        });
        try {
            http.start(config.port());
            // behind a balancer, browsers load the page from the balancer's port: that is its origin
            page.listeningOn(config.publicPort() > 0 ? config.publicPort() : http.port());
            sockets.start();
        } catch (RuntimeException e) {
            // a node that failed to start keeps nothing running, and no link to Redis
            http.stop();
            if (redis != null) {
                shared.close();
                redis.shutdown();
            }
            throw e;
        }
        return new App(http, sockets, revocations, shared);
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
        if (shared != null) {
            shared.close();
        }
        sockets.close();
        http.stop();
    }
}
