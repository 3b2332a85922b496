package kata.plumbing;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOServer;
import io.netty.channel.epoll.Epoll;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses how the Socket.IO server's event loops wait for their sockets, and how many there are, once, at
 * start: Linux's native epoll where it loads (the jar comes with netty-socketio, for x86_64 and aarch_64),
 * the JDK's NIO everywhere else (macOS, Windows, another CPU); one event loop per core. Not a workaround:
 * choices of the configuration.
 *
 * <p>Why epoll: with NIO each accepted socket costs three {@code fcntl}, and a task handed from one event loop
 * to another costs a {@code write} and a {@code read} of the selector's wake-up descriptor and a
 * {@code futex}. A Socket.IO client that connects by polling opens four sockets (three requests and the
 * websocket) whose work moves between loops. Counted with {@code strace -c -f} over 300 such connections:
 * 145 system calls each with NIO, 104 with epoll (the guide's Node server: 57). BENCHMARK.md,
 * "Polling first, side by side with Node", has the CPU it saves.
 *
 * <p>Why one loop per core: netty-socketio's default is Netty's, two per core, and one more group of as
 * many for accepting, where one listening socket needs one. A polling session's requests come on several
 * sockets, each bound to a loop, and an answer written from another loop than its socket's is a task handed
 * over, with its wake-up: the fewer the loops, the fewer the hand-overs. Measured on two cores, polling
 * first, after warm-up: 0.85 to 0.89 ms of CPU per connection with four loops, 0.73 with two, 0.67 with
 * one; a room's fan-out to thousands of connections wants every core, so one per core. An app that sets
 * its own {@code setWorkerThreads} keeps it; {@code -Dkata.ioWorkers=N} sets it for a comparison.
 *
 * <p>netty-socketio reads both from its own copy of the configuration, made when the server is
 * constructed, so the choice is written there (the field has no getter). Were a later version to rename
 * it, the server stays on NIO with the library's loops, and says so.
 */
final class NativeTransport {

    private static final Logger LOG = LoggerFactory.getLogger(NativeTransport.class);

    private NativeTransport() {
    }

    /** Before {@code server.start()}. Returns true when the server will run on native epoll. */
    static boolean choose(SocketIOServer server) {
        Configuration copy;
        try {
            Field field = SocketIOServer.class.getDeclaredField("configCopy");
            field.setAccessible(true);
            copy = (Configuration) field.get(server);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Socket.IO on NIO with the library's event loops: its configuration could not be reached ({})", e.toString());
            return false;
        }
        copy.setWorkerThreads(eventLoops(copy.getWorkerThreads()));
        copy.setBossThreads(1);
        if (!Epoll.isAvailable()) {
            LOG.info("Socket.IO on NIO, {} event loops: no native epoll on this platform ({})", copy.getWorkerThreads(),
                    String.valueOf(Epoll.unavailabilityCause()));
            return false;
        }
        copy.setUseLinuxNativeEpoll(true);
        LOG.info("Socket.IO on native epoll, {} event loops", copy.getWorkerThreads());
        return true;
    }

    /** The app's own choice if it made one, else {@code -Dkata.ioWorkers}, else one per core. */
    static int eventLoops(int chosenByTheApp) {
        if (chosenByTheApp > 0) {
            return chosenByTheApp;
        }
        return Integer.getInteger("kata.ioWorkers", Runtime.getRuntime().availableProcessors());
    }
}
