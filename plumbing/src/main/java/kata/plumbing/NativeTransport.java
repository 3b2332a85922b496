package kata.plumbing;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses how the Socket.IO server's event loops wait for their sockets, how many there are, and which of them
 * accepts connections, once, at start: Linux's native epoll where it loads (the jar comes with netty-socketio,
 * for x86_64 and aarch_64), the JDK's NIO everywhere else (macOS, Windows, another CPU); one event loop per two
 * cores (at least one); the listening socket on one of those loops. Not a workaround: choices of the
 * configuration.
 *
 * <p>Why epoll: with NIO each accepted socket costs three {@code fcntl}, and a task handed from one event loop
 * to another costs a {@code write} and a {@code read} of the selector's wake-up descriptor and a
 * {@code futex}. A Socket.IO client that connects by polling opens four sockets (three requests and the
 * websocket) whose work moves between loops. Counted with {@code strace -c -f} over 300 such connections:
 * 145 system calls each with NIO, 104 with epoll (the guide's Node server: 57). BENCHMARK.md,
 * "Polling first, side by side with Node", has the CPU it saves.
 *
 * <p>Why few loops, and no loop of their own for accepting: a Socket.IO server's loops mostly wait, and a loop
 * that waits is put to sleep and woken for each request, each accepted socket and each task another loop hands
 * it (a polling session's requests come on several sockets, each bound to a loop, and an answer written from
 * another loop than its socket's is such a task). Waking a thread costs about as much as decoding a request:
 * measured on two cores, polling first, after warm-up, a connection cost 16 context switches and 0.90 ms of
 * CPU with two loops and a third to accept, 11 and 0.86 ms with two loops that accept too, 5 and 0.69 ms with
 * one loop that accepts too; the guide's Node server, one thread, 1.5 switches and 1.7 ms. A room's fan-out to
 * 2,000 and 10,000 connections was as fast with one loop as with two (97,000 and 104,000 deliveries/s against
 * 96,000 and 93,000). Half the cores: the other half serve what the event loops do not, Javalin's HTTP
 * requests, the collector and the compiler. An app that sets its own {@code setWorkerThreads} keeps it;
 * {@code -Dkata.ioWorkers=N} sets it for a comparison. BENCHMARK.md, "Fewer event loops, and none of their own
 * to accept".
 *
 * <p>netty-socketio reads the transport and the number of loops from its own copy of the configuration, made
 * when the server is constructed, and makes its two groups of loops (one to accept, one to serve) when it
 * starts; neither has a getter, hence the reflection. Were a later version to rename them, the server stays
 * on NIO with the library's loops, or accepts on a loop of its own, and says so.
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
        // a group of one that acceptOnTheServingLoops replaces before it starts a thread
        copy.setBossThreads(1);
        if (!Epoll.isAvailable()) {
            LOG.info("Socket.IO on NIO, {}: no native epoll on this platform ({})", loops(copy.getWorkerThreads()),
                    String.valueOf(Epoll.unavailabilityCause()));
            return false;
        }
        copy.setUseLinuxNativeEpoll(true);
        LOG.info("Socket.IO on native epoll, {}", loops(copy.getWorkerThreads()));
        return true;
    }

    private static String loops(int count) {
        return count == 1 ? "1 event loop" : count + " event loops";
    }

    /** The app's own choice if it made one, else {@code -Dkata.ioWorkers}, else one per two cores, at least one. */
    static int eventLoops(int chosenByTheApp) {
        if (chosenByTheApp > 0) {
            return chosenByTheApp;
        }
        return Integer.getInteger("kata.ioWorkers", Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }

    /**
     * Once the server has made its groups of event loops and before it listens (from the pipeline's start):
     * the listening socket goes to one of the loops that serve connections, as {@code ServerBootstrap.group(group)}
     * would put it, and the group the library made to accept is shut down before it ever ran a thread.
     */
    static void acceptOnTheServingLoops(SocketIOServer server) {
        try {
            Field accepting = SocketIOServer.class.getDeclaredField("bossGroup");
            Field serving = SocketIOServer.class.getDeclaredField("workerGroup");
            accepting.setAccessible(true);
            serving.setAccessible(true);
            EventLoopGroup own = (EventLoopGroup) accepting.get(server);
            EventLoopGroup loops = (EventLoopGroup) serving.get(server);
            if (own == null || loops == null || own == loops) {
                return;
            }
            accepting.set(server, loops);
            own.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("Socket.IO accepts on an event loop of its own: the library's groups could not be reached ({})", e.toString());
        }
    }
}
