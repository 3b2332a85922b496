package kata.room;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import kata.harness.TestEnv;

/** Rooms for the tests: free ports on loopback, a known join code and key, and the limits of a workshop. */
final class Rooms {

    static final String CODE = "7KQ-2MX";
    static final byte[] SECRET = TestEnv.SECRET.getBytes(StandardCharsets.UTF_8);

    private Rooms() {
    }

    static Room.Settings settings() {
        return new Room.Settings("127.0.0.1", 0, 0, CODE, SECRET, Duration.ofHours(12), 20, 60, 60,
                TestEnv.root().resolve("web/public"));
    }

    /** The same room again, on the same ports (it was restarted). */
    static Room.Settings again(Room room) {
        Room.Settings s = settings();
        return new Room.Settings(s.host(), room.port(), room.ioPort(), s.code(), s.secret(), s.lifetime(), s.joinsPerMinute(),
                s.reportsPerMinute(), s.handshakesPerMinute(), s.webDir());
    }

    static Room.Settings withJoinsPerMinute(int joins) {
        Room.Settings s = settings();
        return new Room.Settings(s.host(), 0, 0, s.code(), s.secret(), s.lifetime(), joins, s.reportsPerMinute(),
                s.handshakesPerMinute(), s.webDir());
    }

    static Room.Settings withSecret(byte[] secret, Room at) {
        Room.Settings s = again(at);
        return new Room.Settings(s.host(), s.port(), s.ioPort(), s.code(), secret, s.lifetime(), s.joinsPerMinute(),
                s.reportsPerMinute(), s.handshakesPerMinute(), s.webDir());
    }

    static String url(Room room) {
        return "http://127.0.0.1:" + room.port();
    }

}
