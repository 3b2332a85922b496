package kata.harness;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplyAssertTest {

    private static final Reply TODO = new Reply("POST /login", 501, Map.of("Content-Type", List.of("application/json")),
            "{\"error\":\"TODO step 01: check the credentials\"}");

    @Test
    void a_failure_says_what_came_back_what_was_expected_and_where_to_look() {
        assertThatThrownBy(() -> ReplyAssert.assertThat(TODO).whereToLook("LoginRoute.java").hasStatus(200))
                .hasMessageContaining("POST /login answered 501 {\"error\":\"TODO step 01: check the credentials\"}")
                .hasMessageContaining("expected 200")
                .hasMessageContaining("Open LoginRoute.java");
    }

    @Test
    void a_stack_trace_is_never_a_good_error() {
        Reply trace = new Reply("GET /self", 400, Map.of("Content-Type", List.of("application/json")),
                "{\"error\":\"java.lang.IllegalStateException\\n\\tat kata.App\"}");

        assertThatThrownBy(() -> ReplyAssert.assertThat(trace).hasJsonError(400))
                .hasMessageContaining("never a stack trace");
    }
}
