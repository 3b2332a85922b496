package kata.harness;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** What the server answered to one request, kept whole so that a failing test can show it. */
public record Reply(String request, int status, Map<String, List<String>> headers, String body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The header's value; several values of one header are joined with ", " as HTTP allows. */
    public Optional<String> header(String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .flatMap(e -> e.getValue().stream())
                .reduce((a, b) -> a + ", " + b);
    }

    /** The body as JSON, or a missing node when it is not JSON. */
    public JsonNode json() {
        try {
            JsonNode node = JSON.readTree(body);
            return node == null ? MissingNode.getInstance() : node;
        } catch (JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }

    /** {@code POST /login answered 401 {"error":"invalid credentials"}} */
    public String summary() {
        String shown = body.length() > 300 ? body.substring(0, 300) + "…" : body;
        return request + " answered " + status + (shown.isEmpty() ? " with an empty body" : " " + shown);
    }

    /** The exchange as text for an approval test: status, the headers that matter, the body. */
    public String transcript(String... headerNames) {
        StringBuilder text = new StringBuilder(request).append('\n').append("-> ").append(status).append('\n');
        Map<String, String> shown = new TreeMap<>();
        for (String name : headerNames) {
            header(name).ifPresent(value -> shown.put(name.toLowerCase(), value));
        }
        shown.forEach((name, value) -> text.append(name).append(": ").append(value).append('\n'));
        JsonNode json = json();
        text.append(json.isMissingNode() ? body : json.toPrettyString()).append('\n');
        return text.toString();
    }

    @Override
    public String toString() {
        return summary();
    }
}
