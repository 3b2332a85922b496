package kata;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Step 05: reading the Authorization header by hand, as a pure function. */
@Order(1)
class BearerTokenTest {

    private static final String FILE = "steps/05-manual-parsing/src/main/java/kata/BearerToken.java";

    @Test
    void no_header_is_no_token() {
        assertThat(BearerToken.parse(null)).as("a missing header: new NoToken(). Open " + FILE)
                .isInstanceOf(BearerToken.NoToken.class);
    }

    @Test
    void an_empty_header_is_no_token() {
        assertThat(BearerToken.parse("")).as("an empty header: new NoToken(). Open " + FILE)
                .isInstanceOf(BearerToken.NoToken.class);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "'bearer abc.def.ghi', abc.def.ghi",
        "'Bearer abc.def.ghi', abc.def.ghi",
        "'BEARER abc.def.ghi', abc.def.ghi",
        "'Bearer abc.def.ghi ', abc.def.ghi",
        "'Bearer  abc.def.ghi', abc.def.ghi"
    })
    void a_bearer_header_gives_its_token(String header, String token) {
        assertThat(BearerToken.parse(header)).as("\"%s\" holds the token \"%s\". Open %s", header, token, FILE)
                .isEqualTo(new BearerToken.Token(token));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Basic am9objpjaGFuZ2VpdA==", "Bearer", "Bearer ", "bearerabc.def.ghi", "Token abc",
        "Bearer abc def", "abc.def.ghi"})
    void anything_else_is_not_a_bearer_token(String header) {
        assertThat(BearerToken.parse(header)).as("\"%s\" is not \"Bearer <token>\": new NotBearer(). Open %s", header, FILE)
                .isInstanceOf(BearerToken.NotBearer.class);
    }

    @Test
    void a_token_never_shows_itself_in_a_log_line() {
        BearerToken.Parsed parsed = BearerToken.parse("Bearer abc.def.ghi");

        assertThat(parsed).as("parse(\"Bearer abc.def.ghi\"). Open " + FILE).isInstanceOf(BearerToken.Token.class);
        assertThat(parsed.toString()).doesNotContain("abc.def.ghi");
    }
}
