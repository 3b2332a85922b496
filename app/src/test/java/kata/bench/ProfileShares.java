package kata.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the Socket.IO server's event loops spend their CPU, by what they do, from a profile of collapsed stacks
 * (async-profiler's {@code collapsed} output with {@code threads}: one line per stack, its frames separated by
 * {@code ;}, the thread first, the count of samples last). A plain {@code main} on a bare JDK:
 *
 * <pre>
 * java app/src/test/java/kata/bench/ProfileShares.java polling.collapsed
 * </pre>
 *
 * <p>A stack counts for the first kind of work below whose frames it holds, so a token verified while a
 * request is read counts as the token's, and what is left of reading a request (the handlers of
 * {@code plumbing/} and of the library, the app's listeners) as reading. BENCHMARK.md, "Fewer event loops,
 * and none of their own to accept", has the command that makes the profile.
 */
public final class ProfileShares {

    private static final Map<String, List<String>> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("sleeping in epoll_wait and being woken (the scheduler)", List.of("Native.epollWait"));
        KINDS.put("waking another event loop (eventfd)", List.of("Native.eventFdWrite"));
        KINDS.put("accepting a socket: accept4, its channel, options, registration",
                List.of("ServerBootstrapAcceptor.channelRead", "EpollServerSocketUnsafe.epollInReady", "NioMessageUnsafe.read"));
        KINDS.put("verifying the token (jjwt)", List.of("io/jsonwebtoken/"));
        KINDS.put("setting up a socket's pipeline (on another loop than the one that accepted it)",
                List.of("ChannelInitializer.channelRegistered", "ChannelInitializer.handlerAdded", "AbstractUnsafe.register0"));
        KINDS.put("closing sockets", List.of("AbstractUnsafe.close"));
        KINDS.put("encoding and writing answers", List.of("EncoderHandler.write", "HttpResponseEncoder", "invokeFlush", "AbstractUnsafe.flush"));
        KINDS.put("decoding HTTP requests", List.of("HttpObjectDecoder.decode", "MessageAggregator.decode", "QueryStringDecoder"));
        KINDS.put("reading requests: the pipeline's handlers, the app's listeners", List.of("EpollStreamUnsafe.epollInReady", "NioByteUnsafe.read"));
    }

    private ProfileShares() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java app/src/test/java/kata/bench/ProfileShares.java PROFILE.collapsed");
            System.exit(2);
        }
        Map<String, Long> byKind = new LinkedHashMap<>();
        KINDS.keySet().forEach(kind -> byKind.put(kind, 0L));
        byKind.put("other", 0L);
        Map<String, Long> byThread = new TreeMap<>();
        long total = 0;
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            String stack = line.substring(0, space);
            long samples = Long.parseLong(line.substring(space + 1).trim());
            String thread = stack.substring(0, Math.max(0, stack.indexOf(';')));
            if (!thread.contains("EventLoop")) {
                continue;
            }
            byThread.merge(thread.replaceAll(" tid=\\d+", ""), samples, Long::sum);
            total += samples;
            byKind.merge(kindOf(stack), samples, Long::sum);
        }
        System.out.printf("%,d samples on the event loops: %s%n", total, byThread);
        for (Map.Entry<String, Long> kind : byKind.entrySet()) {
            System.out.printf("%5.1f %%  %s%n", 100.0 * kind.getValue() / Math.max(1, total), kind.getKey());
        }
    }

    private static String kindOf(String stack) {
        for (Map.Entry<String, List<String>> kind : KINDS.entrySet()) {
            for (String frame : kind.getValue()) {
                if (stack.contains(frame)) {
                    return kind.getKey();
                }
            }
        }
        return "other";
    }
}
