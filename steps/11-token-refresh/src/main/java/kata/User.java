package kata;

/** What the app knows of a signed-in user, and what a token carries in its {@code data} claim. */
public record User(int id, String username) {
}
