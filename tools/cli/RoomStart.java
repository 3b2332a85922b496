package cli;

import static cli.Disk.HOME;
import static cli.Disk.ROOT;
import static cli.Main.OUT;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * ./kata room [--new]: the facilitator's room (room/, kata.room.Room), in a JVM of its own as ./kata run starts
 * the app. Its join code and key are kept in .kata/room-server.properties, so that a room started again (after
 * a crash, a reboot) takes the same code and the participants' tokens; {@code --new} makes new ones, which
 * sends everyone back to ./kata join. HOST, PORT (4000), IO_PORT (4001), ROOM_CODE and ROOM_SECRET override them.
 */
final class RoomStart {

    private RoomStart() {
    }

    static int room(List<String> args) throws Exception {
        Path saved = HOME.resolve("room-server.properties");
        Properties p = new Properties();
        if (!args.contains("--new") && Files.isRegularFile(saved)) {
            try (var in = Files.newBufferedReader(saved, StandardCharsets.UTF_8)) {
                p.load(in);
            }
        }
        if (p.getProperty("ROOM_SECRET") == null || p.getProperty("ROOM_CODE") == null) {
            byte[] key = new byte[48];
            new SecureRandom().nextBytes(key);
            p.setProperty("ROOM_SECRET", Base64.getEncoder().encodeToString(key));
            p.setProperty("ROOM_CODE", code());
            Files.createDirectories(HOME);
            try (var out = Files.newBufferedWriter(saved, StandardCharsets.UTF_8)) {
                p.store(out, "the room of ./kata room: its join code and key (./kata room --new makes new ones)");
            }
        }
        RunApp.webDependencies(false);
        List<String> classpath = RunApp.compiledApp(ROOT.resolve("room/src/main"), "room", "the room", HOME.resolve("build").resolve("room"));
        ProcessBuilder room = new ProcessBuilder(Programs.java(), "-cp", String.join(java.io.File.pathSeparator, classpath), "kata.room.Room")
                .directory(ROOT.toFile()).inheritIO();
        for (String name : List.of("ROOM_SECRET", "ROOM_CODE")) {
            String set = System.getenv(name);
            room.environment().put(name, set == null || set.isBlank() ? p.getProperty(name) : set);
        }
        Process process = room.start();
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> { });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (process.isAlive()) {
                process.destroy();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "close-the-room"));
        int exit = process.waitFor();
        OUT.println("The room is closed.");
        return exit == 130 || exit == 143 ? 0 : exit;
    }

    /** A join code such as 7KQ-2MX, without the letters and digits that read alike (0/O, 1/I/L). */
    static String code() {
        String letters = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
        SecureRandom random = new SecureRandom();
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            code.append(i == 3 ? "-" : "").append(letters.charAt(random.nextInt(letters.length())));
        }
        return code.toString();
    }

}
