package kata.plumbing;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOServer;
import io.netty.channel.epoll.Epoll;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses how the Socket.IO server's event loops wait for their sockets, once, at start: Linux's native
 * epoll where it loads (the jar comes with netty-socketio, for x86_64 and aarch_64), the JDK's NIO
 * everywhere else (macOS, Windows, another CPU). Not a workaround: a choice of the configuration.
 *
 * <p>Why: with NIO each accepted socket costs three {@code fcntl}, and a task handed from one event loop
 * to another costs a {@code write} and a {@code read} of the selector's wake-up descriptor and a
 * {@code futex}. A Socket.IO client that connects by polling opens four sockets (three requests and the
 * websocket) whose work moves between loops. Counted with {@code strace -c -f} over 300 such connections:
 * 145 system calls each with NIO, 104 with epoll (the guide's Node server: 57). BENCHMARK.md,
 * "Polling first, side by side with Node", has the CPU it saves.
 *
 * <p>netty-socketio reads {@code useLinuxNativeEpoll} from its own copy of the configuration, made when
 * the server is constructed, so the choice is written there (the field has no getter). Were a later
 * version to rename it, the server stays on NIO and says so.
 */
final class NativeTransport {

    private static final Logger LOG = LoggerFactory.getLogger(NativeTransport.class);

    private NativeTransport() {
    }

    /** Before {@code server.start()}. Returns true when the server will run on native epoll. */
    static boolean choose(SocketIOServer server) {
        if (!Epoll.isAvailable()) {
            LOG.info("Socket.IO on NIO: no native epoll on this platform ({})", String.valueOf(Epoll.unavailabilityCause()));
            return false;
        }
        try {
            Field copy = SocketIOServer.class.getDeclaredField("configCopy");
            copy.setAccessible(true);
            ((Configuration) copy.get(server)).setUseLinuxNativeEpoll(true);
            LOG.info("Socket.IO on native epoll");
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Socket.IO on NIO: native epoll could not be chosen ({})", e.toString());
            return false;
        }
    }
}
