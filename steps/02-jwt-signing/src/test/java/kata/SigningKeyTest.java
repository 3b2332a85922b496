package kata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import kata.harness.TestEnv;
import org.junit.jupiter.api.Test;

/** Step 02: the key. HS256 needs 256 bits; the guide's "Mys3cr3t" has 64. */
class SigningKeyTest {

    private static final String FILE = "steps/02-jwt-signing/src/main/java/kata/SigningKey.java";

    @Test
    void the_guides_secret_is_refused_and_the_message_says_why_and_what_to_do() {
        assertThatThrownBy(() -> SigningKey.fromSecret("Mys3cr3t"))
                .as("SigningKey.fromSecret(\"Mys3cr3t\") must throw an IllegalArgumentException: 8 bytes are too few"
                        + " for HS256. Open " + FILE)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32");
    }

    @Test
    void a_secret_of_31_bytes_is_one_too_few() {
        assertThatThrownBy(() -> SigningKey.fromSecret("x".repeat(31)))
                .as("31 bytes are 248 bits, under the 256 that HS256 needs. Open " + FILE)
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bytes_are_counted_in_UTF_8_as_Node_counts_them() {
        // 16 characters, 32 bytes: enough
        String sixteenTwoByteCharacters = "é".repeat(16);
        assertThat(SigningKey.fromSecret(sixteenTwoByteCharacters).getEncoded())
                .as("the key is the secret's UTF-8 bytes, as in Node's jsonwebtoken. Open " + FILE)
                .hasSize(32)
                .isEqualTo(sixteenTwoByteCharacters.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void the_app_refuses_to_start_with_a_short_secret() {
        Map<String, String> env = new HashMap<>(TestEnv.variables());
        env.put("JWT_SECRET", "Mys3cr3t");

        assertThatThrownBy(() -> Config.fromEnvironment(env))
                .as("Config.fromEnvironment passes SigningKey.fromSecret's exception on unchanged: its message must"
                        + " name JWT_SECRET, the variable a person sets. Open " + FILE)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JWT_SECRET");
    }

    @Test
    void a_long_enough_secret_becomes_an_HMAC_SHA_256_key() {
        assertThat(SigningKey.fromSecret(TestEnv.SECRET).getAlgorithm())
                .as("new SecretKeySpec(bytes, \"HmacSHA256\"). Open " + FILE)
                .isEqualTo("HmacSHA256");
    }
}
