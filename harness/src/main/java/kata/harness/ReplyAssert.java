package kata.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a {@link Reply} whose failure says what was expected, what came back, and which
 * file to open:
 *
 * <pre>
 * Replies.assertThat(reply).whereToLook("LoginRoute.java").hasStatus(200);
 * </pre>
 */
public final class ReplyAssert extends AbstractAssert<ReplyAssert, Reply> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private String whereToLook = "";

    ReplyAssert(Reply actual) {
        super(actual, ReplyAssert.class);
    }

    public static ReplyAssert assertThat(Reply reply) {
        return new ReplyAssert(reply);
    }

    /** Where a learner should look when this assertion fails, e.g. "LoginRoute.java: the 401 branch". */
    public ReplyAssert whereToLook(String fileAndHint) {
        this.whereToLook = fileAndHint;
        return this;
    }

    public ReplyAssert hasStatus(int expected) {
        isNotNull();
        if (actual.status() != expected) {
            fail("expected " + expected);
        }
        return this;
    }

    /** A 4xx with a short JSON reason: {@code {"error": "..."}}, and nothing that looks like a stack trace. */
    public ReplyAssert hasJsonError(int expectedStatus) {
        hasStatus(expectedStatus);
        JsonNode error = actual.json().path("error");
        if (!error.isTextual() || error.asText().isBlank()) {
            fail("expected a JSON body like {\"error\": \"a short reason\"}");
        }
        if (actual.body().contains("Exception") || actual.body().contains("\tat ") || actual.body().length() > 300) {
            fail("expected a short reason, never a stack trace");
        }
        if (!actual.header("Content-Type").orElse("").startsWith("application/json")) {
            fail("expected Content-Type: application/json");
        }
        return this;
    }

    public ReplyAssert hasJsonError(int expectedStatus, String expectedReason) {
        hasJsonError(expectedStatus);
        if (!actual.json().path("error").asText().equals(expectedReason)) {
            fail("expected {\"error\":\"" + expectedReason + "\"}");
        }
        return this;
    }

    /** The body is this JSON (the order of the members does not matter). */
    public ReplyAssert hasJson(String expectedJson) {
        JsonNode expected;
        try {
            expected = JSON.readTree(expectedJson);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + expectedJson, e);
        }
        if (!expected.equals(actual.json())) {
            fail("expected the body " + expected);
        }
        return this;
    }

    public ReplyAssert hasHeader(String name, String expectedValue) {
        String value = actual.header(name).orElse(null);
        if (!expectedValue.equals(value)) {
            fail("expected the header " + name + ": " + expectedValue + (value == null ? " (it is missing)" : " (it is " + value + ")"));
        }
        return this;
    }

    private void fail(String expectation) {
        StringBuilder message = new StringBuilder()
                .append('\n').append(actual.summary())
                .append("\nbut the test ").append(expectation).append('.');
        if (!whereToLook.isEmpty()) {
            message.append("\nOpen ").append(whereToLook);
        }
        failWithMessage("%s", message.toString());
    }
}
