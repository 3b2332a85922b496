package kata;

import java.net.http.HttpRequest.BodyPublishers;
import java.util.List;
import java.util.Optional;
import kata.harness.Http;
import kata.harness.Reply;

/** Logins as a browser makes them: the access token the page keeps, and the refresh cookie it cannot read. */
final class Logins {

    static final String TOKENS = "steps/11-token-refresh/src/main/java/kata/RefreshTokens.java";
    static final String ROUTE = "steps/11-token-refresh/src/main/java/kata/RefreshRoute.java";
    static final String REAUTH = "steps/11-token-refresh/src/main/java/kata/Reauth.java";

    /** What a login or a refresh leaves the browser with. */
    record Login(String token, String refreshToken) {
    }

    private Logins() {
    }

    static Login login(Http http, String username) {
        Reply reply = http.postJson("/login", "{\"username\":\"" + username + "\",\"password\":\"changeit\"}");
        String token = reply.json().path("token").asText("");
        String refresh = refreshCookie(reply).orElse("");
        if (reply.status() != 200 || token.isEmpty() || refresh.isEmpty()) {
            throw new AssertionError("Logging in as " + username + " should give a token and a refresh cookie, but POST /login answered "
                    + reply.status() + (token.isEmpty() ? " without a token" : " with a token") + " and Set-Cookie "
                    + reply.headers().getOrDefault("set-cookie", List.of()) + ". Open " + ROUTE + ", setCookie(..)");
        }
        return new Login(token, refresh);
    }

    /** POST /refresh with this refresh token in its cookie (as the browser sends it: to /refresh only). */
    static Reply refresh(Http http, String refreshToken) {
        return http.send(http.request("/refresh").header("Cookie", RefreshTokens.COOKIE + "=" + refreshToken)
                .POST(BodyPublishers.noBody()), "POST /refresh");
    }

    /** A refresh that must work: the new access token and refresh token. */
    static Login refreshed(Http http, String refreshToken) {
        Reply reply = refresh(http, refreshToken);
        String token = reply.status() == 200 ? reply.json().path("token").asText("") : "";
        String next = refreshCookie(reply).orElse("");
        if (token.isEmpty() || next.isEmpty()) {
            throw new AssertionError("POST /refresh with a good refresh token should answer 200 with a token and the next refresh"
                    + " token in its cookie, but " + reply.summary() + " with Set-Cookie "
                    + reply.headers().getOrDefault("set-cookie", List.of()) + ". Open " + TOKENS + ", refresh(..)");
        }
        return new Login(token, next);
    }

    /** The value of the refresh cookie an answer sets, if it sets one (an empty value deletes it). */
    static Optional<String> refreshCookie(Reply reply) {
        return setCookie(reply).map(cookie -> cookie.substring(cookie.indexOf('=') + 1, cookie.contains(";") ? cookie.indexOf(';') : cookie.length()));
    }

    /** The whole Set-Cookie header of the refresh cookie, with its attributes. */
    static Optional<String> setCookie(Reply reply) {
        return reply.headers().getOrDefault("set-cookie", List.of()).stream()
                .filter(cookie -> cookie.startsWith(RefreshTokens.COOKIE + "="))
                .findFirst();
    }
}
