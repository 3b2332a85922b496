package kata.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenForgeTest {

    @Test
    void a_valid_token_reads_like_the_apps() {
        TokenForge.Decoded token = TokenForge.decode(TokenForge.valid(1, "john").signed());

        assertThat(token.header().toString()).isEqualTo("{\"alg\":\"HS256\"}");
        assertThat(token.claims().path("data").toString()).isEqualTo("{\"id\":1,\"username\":\"john\"}");
        assertThat(token.claims().path("iss").asText()).isEqualTo(TokenForge.ISSUER);
        assertThat(token.claims().path("aud").asText()).isEqualTo(TokenForge.AUDIENCE);
        assertThat(token.claims().path("exp").asLong() - token.claims().path("iat").asLong()).isEqualTo(3600);
    }

    @Test
    void the_signature_depends_on_the_secret_and_nothing_else() {
        String one = TokenForge.valid(1, "john").claim("iat", 1).claim("exp", 2).claim("jti", "one").signed();
        String two = TokenForge.valid(1, "john").claim("iat", 1).claim("exp", 2).claim("jti", "one").signed();
        String other = TokenForge.valid(1, "john").claim("iat", 1).claim("exp", 2).claim("jti", "one").signedWith("HS256", TestEnv.OTHER_SECRET);

        assertThat(one).isEqualTo(two).isNotEqualTo(other);
        assertThat(one.split("\\.")[2]).hasSize(43); // 32 bytes in base64url without padding
    }

    @Test
    void a_token_has_four_more_spellings_of_the_same_signature() {
        String token = TokenForge.valid(1, "john").signed();
        List<String> spellings = TokenForge.respellings(token);

        assertThat(spellings).hasSize(4).doesNotHaveDuplicates().doesNotContain(token);
        java.util.Base64.Decoder b64 = java.util.Base64.getUrlDecoder();
        byte[] signature = b64.decode(token.substring(token.lastIndexOf('.') + 1));
        for (String spelling : spellings) {
            assertThat(spelling.substring(0, spelling.lastIndexOf('.'))).isEqualTo(token.substring(0, token.lastIndexOf('.')));
            assertThat(b64.decode(spelling.substring(spelling.lastIndexOf('.') + 1))).as(spelling).isEqualTo(signature);
        }
    }

    @Test
    void every_bad_token_has_its_own_reason_and_differs_from_a_good_one() {
        List<TokenForge.BadToken> bad = TokenForge.badTokens();

        assertThat(bad).extracting(TokenForge.BadToken::why).doesNotHaveDuplicates();
        assertThat(bad).extracting(TokenForge.BadToken::token).doesNotHaveDuplicates().allSatisfy(t -> assertThat(t).isNotBlank());
    }

    @Test
    void alg_none_has_no_signature() {
        String token = TokenForge.valid(1, "john").header("alg", "none").unsigned();

        assertThat(token).endsWith(".");
        assertThat(TokenForge.decode(token).header().path("alg").asText()).isEqualTo("none");
    }
}
