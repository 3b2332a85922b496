package kata.harness;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.Cookie;
import okhttp3.CookieJar;
import okhttp3.HttpUrl;

/**
 * The cookies of one browser, for a test client: what it is given it sends back, as a browser does. A
 * load balancer with sticky sessions puts the name of the node it chose in a cookie; a client without
 * this jar (the Java client's default) would be sent to any node on its next request.
 */
public final class Cookies implements CookieJar {

    private final Map<String, Cookie> byName = new ConcurrentHashMap<>();

    @Override
    public void saveFromResponse(HttpUrl url, List<Cookie> cookies) {
        for (Cookie cookie : cookies) {
            byName.put(cookie.name(), cookie);
        }
    }

    @Override
    public List<Cookie> loadForRequest(HttpUrl url) {
        return byName.values().stream().filter(cookie -> cookie.matches(url)).toList();
    }

    /** The value of a cookie this browser was given, e.g. {@code value("SERVERID")}: the node a balancer chose. */
    public Optional<String> value(String name) {
        return Optional.ofNullable(byName.get(name)).map(Cookie::value);
    }

    /** Forgets a cookie, as a browser's private window would start without it. */
    public void forget(String name) {
        byName.remove(name);
    }

    @Override
    public String toString() {
        return byName.isEmpty() ? "no cookie" : byName.values().stream().map(c -> c.name() + "=" + c.value()).toList().toString();
    }
}
