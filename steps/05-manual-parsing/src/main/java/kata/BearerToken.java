package kata;

import java.util.Locale;

/**
 * What an Authorization header holds, read by hand: the guide's "manual parsing". A pure function,
 * with no key and no clock, so every case can be tested on its own.
 */
public final class BearerToken {

    /** What {@link #parse} found. */
    public sealed interface Parsed permits NoToken, NotBearer, Token {
    }

    /** There is no Authorization header: the guide's {@code new Error("no token")}. */
    public record NoToken() implements Parsed {
    }

    /** There is one, but not {@code Bearer <token>}: the guide's {@code new Error("invalid token")}. */
    public record NotBearer() implements Parsed {
    }

    /** A bearer token, still to be verified. */
    public record Token(String value) implements Parsed {
        @Override
        public String toString() {
            // never let a token reach a log line by accident
            return "Token[value=…]";
        }
    }

    private BearerToken() {
    }

    public static Parsed parse(String authorizationHeader) {
        // No header, or an empty one: NoToken. "Bearer <token>", the scheme in any case, then one space or more
        // (RFC 6750: "Bearer" 1*SP b64token), a token without spaces (spaces after it are forgiven): Token.
        // Anything else: NotBearer.
        throw new Todo("step 05: parse the header in BearerToken.parse (steps/05-manual-parsing/src/main/java/kata/BearerToken.java)");
    }
}
