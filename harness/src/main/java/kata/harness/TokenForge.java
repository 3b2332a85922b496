package kata.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Makes JWTs by hand, good and bad, for the tests. It does not use the JWT library that the app
 * uses, so a mistake in how the app uses that library cannot hide behind the same mistake here.
 */
public final class TokenForge {

    public static final String ISSUER = "accounts.examplesoft.com";
    public static final String AUDIENCE = "yoursite.net";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private TokenForge() {
    }

    /**
     * A token as the app signs it: HS256 with the test secret, issued now, valid for an hour, with a random
     * {@code jti} and the stamp of a user who never logged out everywhere (step 09).
     */
    public static Jwt valid(int id, String username) {
        Instant now = Instant.now();
        Jwt jwt = new Jwt();
        jwt.header.put("alg", "HS256");
        ObjectNode data = jwt.claims.putObject("data");
        data.put("id", id);
        data.put("username", username);
        jwt.claims.put("iat", now.getEpochSecond());
        jwt.claims.put("exp", now.plus(Duration.ofHours(1)).getEpochSecond());
        jwt.claims.put("aud", AUDIENCE);
        jwt.claims.put("iss", ISSUER);
        jwt.claims.put("jti", java.util.UUID.randomUUID().toString());
        jwt.claims.put("stamp", 0);
        return jwt;
    }

    /** A token the app must refuse, and why, for a parameterized test. */
    public record BadToken(String why, String token) {
        @Override
        public String toString() {
            return why;
        }
    }

    /** Every way a token for john (id 1) can be wrong. Each one must get a 401 (or a refused handshake). */
    public static List<BadToken> badTokens() {
        Instant now = Instant.now();
        String john = valid(1, "john").signed();
        String[] parts = john.split("\\.");
        String jane = valid(2, "jane").signed();
        return List.of(
                new BadToken("signed with another key", valid(1, "john").signedWith("HS256", TestEnv.OTHER_SECRET)),
                new BadToken("alg none and no signature", valid(1, "john").header("alg", "none").unsigned()),
                new BadToken("signature stripped", parts[0] + "." + parts[1] + "."),
                new BadToken("garbage signature", parts[0] + "." + parts[1] + "." + B64.encodeToString("garbage".getBytes(StandardCharsets.UTF_8))),
                new BadToken("HS512 instead of the pinned HS256", valid(1, "john").header("alg", "HS512").signedWith("HS512", TestEnv.SECRET)),
                new BadToken("HS384 instead of the pinned HS256", valid(1, "john").header("alg", "HS384").signedWith("HS384", TestEnv.SECRET)),
                new BadToken("payload tampered (jane's claims, john's signature)", parts[0] + "." + jane.split("\\.")[1] + "." + parts[2]),
                new BadToken("issued by someone else", valid(1, "john").claim("iss", "evil.example.com").signed()),
                new BadToken("no issuer", valid(1, "john").without("iss").signed()),
                new BadToken("for another audience", valid(1, "john").claim("aud", "othersite.net").signed()),
                new BadToken("no audience", valid(1, "john").without("aud").signed()),
                new BadToken("expired a minute ago", valid(1, "john").claim("iat", now.minusSeconds(3660).getEpochSecond())
                        .claim("exp", now.minusSeconds(60).getEpochSecond()).signed()),
                new BadToken("not valid before tomorrow", valid(1, "john").claim("nbf", now.plus(Duration.ofDays(1)).getEpochSecond()).signed()),
                new BadToken("issued tomorrow", valid(1, "john").claim("iat", now.plus(Duration.ofDays(1)).getEpochSecond())
                        .claim("exp", now.plus(Duration.ofDays(1)).plusSeconds(3600).getEpochSecond()).signed()),
                new BadToken("no expiry", valid(1, "john").without("exp").signed()),
                new BadToken("no data claim", valid(1, "john").without("data").signed()),
                new BadToken("data is a string", valid(1, "john").claim("data", "john").signed()),
                new BadToken("data without an id", valid(1, "john").claim("data", JSON.createObjectNode().put("username", "john")).signed()),
                new BadToken("an id that is not a number", valid(1, "john").claim("data", JSON.createObjectNode().put("id", "one").put("username", "john")).signed()),
                new BadToken("a user that does not exist (id 99)", valid(99, "ghost").signed()),
                new BadToken("not a JWT at all", "this-is-not-a-jwt"),
                new BadToken("JSON that is not base64url", "{\"alg\":\"HS256\"}.{}.x"));
    }

    /**
     * The same signed token, spelled otherwise: the last base64url character of the signature with other
     * values in its unused low bits (an HS256 signature is 32 bytes, 43 characters: 2 spare bits, so three
     * more spellings), and with a trailing {@code =}. Each decodes to the same bytes; a JWT library that
     * decodes before it compares (jjwt does) finds the same signature in all of them.
     */
    public static List<String> respellings(String token) {
        int lastDot = token.lastIndexOf('.');
        String signature = token.substring(lastDot + 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = signature.charAt(signature.length() - 1);
        int value = alphabet.indexOf(last);
        int spareBits = (6 - (Base64.getUrlDecoder().decode(signature).length * 8) % 6) % 6;
        java.util.ArrayList<String> spellings = new java.util.ArrayList<>();
        for (int low = 0; low < (1 << spareBits); low++) {
            int other = (value & ~((1 << spareBits) - 1)) | low;
            if (other != value) {
                spellings.add(token.substring(0, token.length() - 1) + alphabet.charAt(other));
            }
        }
        spellings.add(token + "=");
        return List.copyOf(spellings);
    }

    /**
     * From step 09 on, also bad: tokens that a logout could not name or void, and other spellings of a good
     * token. Each must get a 401 (or a refused handshake), and a logout with one must change nothing.
     */
    public static List<BadToken> unrevocableTokens() {
        String john = valid(1, "john").signed();
        return List.of(
                new BadToken("no jti: a logout could not name it", valid(1, "john").without("jti").signed()),
                new BadToken("an empty jti", valid(1, "john").claim("jti", "").signed()),
                new BadToken("a jti of 100 characters", valid(1, "john").claim("jti", "x".repeat(100)).signed()),
                new BadToken("no stamp: a log out everywhere could not void it", valid(1, "john").without("stamp").signed()),
                new BadToken("a stamp that is a string", valid(1, "john").claim("stamp", "0").signed()),
                new BadToken("a stamp with a fraction", valid(1, "john").claim("stamp", 0.5).signed()),
                new BadToken("the signature's last character respelled (its spare bits)", respellings(john).get(0)),
                new BadToken("the signature with a trailing =", john + "="));
    }

    /** A JWT under construction: header and claims as JSON, then signed (or not). */
    public static final class Jwt {
        private final ObjectNode header = JSON.createObjectNode();
        private final ObjectNode claims = JSON.createObjectNode();

        public Jwt header(String name, String value) {
            header.put(name, value);
            return this;
        }

        public Jwt claim(String name, Object value) {
            claims.set(name, JSON.valueToTree(value));
            return this;
        }

        public Jwt without(String claim) {
            claims.remove(claim);
            return this;
        }

        public JsonNode claims() {
            return claims;
        }

        /** HS256 with the tests' secret, as the app signs. */
        public String signed() {
            return signedWith("HS256", TestEnv.SECRET);
        }

        public String signedWith(String alg, String secret) {
            String signingInput = encode(header) + "." + encode(claims);
            return signingInput + "." + signature(signingInput, alg, secret);
        }

        /** No signature at all (an "unsecured JWT", RFC 7519 §6). */
        public String unsigned() {
            return encode(header) + "." + encode(claims) + ".";
        }

        private static String encode(JsonNode json) {
            return B64.encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The base64url signature of {@code header.claims} with this HMAC algorithm and secret. */
    public static String signature(String signingInput, String alg, String secret) {
        String macName = "Hmac" + switch (alg) {
            case "HS256" -> "SHA256";
            case "HS384" -> "SHA384";
            case "HS512" -> "SHA512";
            default -> throw new IllegalArgumentException("the forge signs HS256, HS384 and HS512, not " + alg);
        };
        try {
            Mac mac = Mac.getInstance(macName);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), macName));
            return B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The header and claims of a token, decoded without any check: to look inside what the app signed. */
    public static Decoded decode(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new AssertionError("a JWS has three parts separated by dots, this has " + parts.length + ": " + token);
        }
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            return new Decoded(JSON.readTree(b64.decode(parts[0])), JSON.readTree(b64.decode(parts[1])), parts[2]);
        } catch (Exception e) {
            throw new AssertionError("not a JWT: " + token, e);
        }
    }

    public record Decoded(JsonNode header, JsonNode claims, String signature) {
    }
}
