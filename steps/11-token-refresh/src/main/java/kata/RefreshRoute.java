package kata;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.Handler;
import io.javalin.http.SameSite;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;

/**
 * POST /refresh, with the refresh token in its cookie: answers {@code {"token": "..."}}, a new access
 * token, and replaces the cookie with the next refresh token. A refusal (401 with the reason) also
 * deletes the cookie. Only the page may ask: a request from another site's page is refused (403), and
 * the cookie is {@code SameSite=Strict} anyway.
 */
public final class RefreshRoute implements Handler {

    /** Where the browser sends the cookie, and nowhere else. */
    static final String PATH = "/refresh";

    private final RefreshTokens refresh;
    private final PageOrigins page;
    private final Duration lifetime;

    public RefreshRoute(RefreshTokens refresh, PageOrigins page, Duration lifetime) {
        this.refresh = refresh;
        this.page = page;
        this.lifetime = lifetime;
    }

    @Override
    public void handle(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null && !page.allows(origin)) {
            throw new HttpError(403, "refresh from another site's page");
        }
        String[] presented = presented(ctx);
        if (presented.length != 1) {
            clearCookie(ctx);
            throw new HttpError(presented.length == 0 ? 401 : 400, presented.length == 0 ? "no refresh token" : "more than one refresh token");
        }
        RefreshTokens.Issued issued;
        try {
            issued = refresh.refresh(presented[0]);
        } catch (Unauthorized e) {
            clearCookie(ctx);
            throw new HttpError(401, e.reason());
        }
        setCookie(ctx, issued.refreshToken(), lifetime);
        ctx.json(Map.of("token", issued.accessToken()));
    }

    /**
     * After a login or a refresh: the browser keeps the refresh token where the page's script cannot read it
     * ({@code HttpOnly}: a script injected into the page cannot steal it), sends it to {@code /refresh} only
     * ({@code Path}), never from another site's page ({@code SameSite=Strict}), and over HTTPS only when the
     * page came over HTTPS ({@code Secure}; plain HTTP on localhost would get no cookie back).
     */
    static void setCookie(Context ctx, String refreshToken, Duration lifetime) {
        boolean https = "https".equals(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
        // TODO step 11: set the cookie RefreshTokens.COOKIE to refreshToken: io.javalin.http.Cookie(name, value, path,
        // maxAge in seconds, secure, httpOnly, domain (null), sameSite), for PATH only, HttpOnly, SameSite STRICT,
        // Secure when https, living as long as the login may be refreshed (lifetime).
    }

    static void clearCookie(Context ctx) {
        ctx.cookie(new Cookie(RefreshTokens.COOKIE, "", PATH, 0, false, true, null, SameSite.STRICT));
    }

    /** Every refresh token the request carries: a second one (a cookie set by another site, say) is not guessed between. */
    private static String[] presented(Context ctx) {
        return Collections.list(ctx.req().getHeaders("Cookie")).stream()
                .flatMap(header -> Arrays.stream(header.split(";")))
                .map(String::trim)
                .filter(pair -> pair.startsWith(RefreshTokens.COOKIE + "="))
                .map(pair -> pair.substring(RefreshTokens.COOKIE.length() + 1))
                .toArray(String[]::new);
    }
}
