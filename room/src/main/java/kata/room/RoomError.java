package kata.room;

/** A request the room refuses: its status (4xx) and the reason the client reads in {@code {"error": ".."}}. */
final class RoomError extends RuntimeException {

    private final int status;

    RoomError(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }
}
