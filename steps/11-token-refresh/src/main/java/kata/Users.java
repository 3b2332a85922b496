package kata;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The users of the demo, in memory: john and jane, both with the password "changeit".
 * A real application keeps salted, slow hashes (bcrypt, argon2) in a database.
 */
public final class Users {

    private record Account(User user, byte[] passwordDigest) {
    }

    private final Map<String, Account> byName;

    private Users(List<Account> accounts) {
        this.byName = accounts.stream().collect(Collectors.toUnmodifiableMap(a -> a.user().username(), Function.identity()));
    }

    public static Users demo() {
        return new Users(List.of(
                new Account(new User(1, "john"), digest("changeit")),
                new Account(new User(2, "jane"), digest("changeit"))));
    }

    /**
     * The user with this name and password, if any. The comparison takes the same time whether the
     * user is unknown, the password wrong or right, so timing tells an attacker nothing.
     */
    public Optional<User> authenticate(String username, String password) {
        Account account = byName.get(username);
        byte[] expected = account != null ? account.passwordDigest() : UNKNOWN_USER_DIGEST;
        boolean matches = MessageDigest.isEqual(expected, digest(password));
        return matches && account != null ? Optional.of(account.user()) : Optional.empty();
    }

    public Optional<User> byId(int id) {
        return byName.values().stream().map(Account::user).filter(u -> u.id() == id).findFirst();
    }

    private static final byte[] UNKNOWN_USER_DIGEST = digest("no such user: compare against something all the same");

    private static byte[] digest(String password) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
