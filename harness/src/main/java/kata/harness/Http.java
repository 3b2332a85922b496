package kata.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.SubmissionPublisher;

/** Requests to the app's HTTP server, each answered with a {@link Reply}. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private final String base;
    private final Duration timeout;
    private final boolean freshConnections;

    public Http(String base, Duration timeout) {
        this(base, timeout, false);
    }

    private Http(String base, Duration timeout, boolean freshConnections) {
        this.base = base;
        this.timeout = timeout;
        this.freshConnections = freshConnections;
    }

    /**
     * Raw requests to the Socket.IO server, each on a new connection: netty-socketio may close a
     * connection after an answer that a pooled client would try to reuse.
     */
    public static Http toSocketServer(String base) {
        return new Http(base, Duration.ofSeconds(5), true);
    }

    public String base() {
        return base;
    }

    /** POST /login as a browser would, and the token from the answer (fails the test if there is none). */
    public String login(String username, String password) {
        Reply reply = postJson("/login", "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
        String token = reply.json().path("token").asText("");
        if (reply.status() != 200 || token.isEmpty()) {
            throw new AssertionError("Logging in as " + username + " should give a token, but " + reply.summary()
                    + "\nOpen LoginRoute.java and Tokens.java (steps 01 and 02).");
        }
        return token;
    }

    public Reply postJson(String path, String json) {
        return post(path, "application/json", json);
    }

    public Reply post(String path, String contentType, String body) {
        return send(request(path).header("Content-Type", contentType)
                .POST(BodyPublishers.ofString(body, StandardCharsets.UTF_8)), "POST " + path);
    }

    /** A body sent in chunks, with no Content-Length announced. */
    public Reply postChunked(String path, String contentType, byte[] body) {
        return send(request(path).header("Content-Type", contentType).POST(chunked(body)), "POST " + path + " (chunked)");
    }

    public Reply get(String path, String... headerNamesAndValues) {
        HttpRequest.Builder request = request(path).GET();
        for (int i = 0; i + 1 < headerNamesAndValues.length; i += 2) {
            request.header(headerNamesAndValues[i], headerNamesAndValues[i + 1]);
        }
        return send(request, "GET " + path);
    }

    /** GET path with {@code Authorization: Bearer <token>}. */
    public Reply getWithToken(String path, String token) {
        return get(path, "Authorization", "Bearer " + token);
    }

    public Reply postWithToken(String path, String token) {
        return send(request(path).header("Authorization", "Bearer " + token).POST(BodyPublishers.noBody()), "POST " + path);
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
    }

    public Reply send(HttpRequest.Builder request, String description) {
        try {
            HttpClient client = freshConnections ? HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build() : CLIENT;
            var response = client.send(request.build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(description, response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(description + " got no answer: is the server running?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(description + " was interrupted", e);
        }
    }

    private static BodyPublisher chunked(byte[] body) {
        // fromPublisher without a length: the client sends Transfer-Encoding: chunked
        return BodyPublishers.fromPublisher(subscriber -> {
            SubmissionPublisher<ByteBuffer> chunks = new SubmissionPublisher<>();
            chunks.subscribe(subscriber);
            for (int from = 0; from < body.length; from += 4096) {
                chunks.submit(ByteBuffer.wrap(Arrays.copyOfRange(body, from, Math.min(body.length, from + 4096))));
            }
            chunks.close();
        });
    }
}
