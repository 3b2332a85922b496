package kata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * Reads a small JSON request body, and turns every way it can be wrong into a 4xx:
 * 415 when it is not JSON, 413 when it is too large (announced or streamed in chunks),
 * 400 when it does not parse.
 */
public final class JsonBody {

    /** Credentials fit in far less; anything bigger is not a login. */
    public static final int LIMIT_BYTES = 16 * 1024;
    /**
     * How much of a body too large is still read, and dropped, before the 413 goes out: the client is
     * still sending it, and a connection closed with bytes unread is reset, which can lose the answer on
     * the client's side. Tomcat does the same (its maxSwallowSize); a larger body is not waited for.
     */
    private static final int SWALLOW_BYTES = 1024 * 1024;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonBody() {
    }

    public static JsonNode read(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).split(";")[0].trim().equals("application/json")) {
            throw new HttpError(415, "expected Content-Type: application/json");
        }
        if (ctx.contentLength() > LIMIT_BYTES) {
            throw tooLarge(ctx);
        }
        byte[] body = readAtMost(ctx, LIMIT_BYTES);
        try {
            JsonNode json = JSON.readTree(body);
            if (json == null || json.isMissingNode()) {
                throw new HttpError(400, "empty body: expected a JSON object");
            }
            return json;
        } catch (JsonProcessingException e) {
            throw new HttpError(400, "malformed JSON");
        } catch (IOException e) {
            throw new HttpError(400, "unreadable body");
        }
    }

    private static HttpError tooLarge(Context ctx) {
        try {
            ctx.req().getInputStream().readNBytes(SWALLOW_BYTES);
        } catch (IOException e) {
            // the client went away: nobody to answer
        }
        return new HttpError(413, "body larger than " + LIMIT_BYTES + " bytes");
    }

    private static byte[] readAtMost(Context ctx, int limit) {
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw tooLarge(ctx);
            }
            return bytes;
        } catch (IOException e) {
            throw new HttpError(400, "unreadable body");
        }
    }
}
