package kata.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TranscriptTest {

    @Test
    void tokens_times_ports_and_session_ids_are_scrubbed() {
        String token = TokenForge.valid(1, "john").signed();
        String text = "token " + token + " iat 1767323045 at http://127.0.0.1:41234/ sid 9f1c2a4e-0b7d-4c1e-9a51-2f3e4d5c6b7a"
                + " {\"sid\":\"AbCdEf\"}";

        assertThat(Transcript.scrub(text)).isEqualTo(
                "token <token> iat <time> at http://127.0.0.1:<port>/ sid <session id> {\"sid\": \"<session id>\"}");
    }

    @Test
    void what_is_not_variable_stays() {
        assertThat(Transcript.scrub("POST /login\n-> 401\n{\"error\":\"invalid credentials\"}"))
                .isEqualTo("POST /login\n-> 401\n{\"error\":\"invalid credentials\"}");
    }
}
