package kata.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * K websocket connections of one user, all on ONE thread: a {@link Selector} over the K sockets, with the
 * websocket handshake (RFC 6455), engine.io v4 and Socket.IO v5 written by hand, and only as much of each
 * as the benchmark needs.
 *
 * <p>Why not the JDK's websocket client ({@code java.net.http}), which {@link Fanout} used before: with a
 * String decoded and a callback run on an executor for every message, it cost 1.2 to 1.9 times the
 * server's CPU per delivery (BENCHMARK.md), so on two cores the client set the pace for both servers, and
 * the rates compared clients. This one reads each socket into one shared buffer, compares a message's
 * bytes with the event's in place, and allocates nothing per delivery: it costs a third to a half of the
 * server's CPU.
 *
 * <p>What each connection does, in order: connect; {@code GET /socket.io/?EIO=4&transport=websocket} with
 * {@code Authorization: Bearer <token>} and a random {@code Sec-WebSocket-Key}; expect 101 and the matching
 * {@code Sec-WebSocket-Accept}; read engine.io's open packet ({@code 0{...}}) and answer Socket.IO's CONNECT
 * ({@code 40}); wait for the server's CONNECT ({@code 40{"sid":...}}). From then on it answers engine.io's
 * pings ({@code 2} with {@code 3}) and websocket pings, and counts the event {@code 42["foo","bar"]}.
 * At most {@link #CONNECT_IN_FLIGHT} connections are being opened at a time, so that the servers' accept
 * queues stay short.
 *
 * <p>Timing: the n-th event read on connection i is delivery n of that connection; its time is
 * {@link System#nanoTime()} right after the read that brought it (one clock read per socket read, not per
 * message).
 */
final class Crowd implements AutoCloseable {

    static final int CONNECT_IN_FLIGHT = 16;

    /** The guide's event as the servers frame it: Socket.IO EVENT (4) inside engine.io MESSAGE (2). */
    private static final byte[] EVENT = ascii("42[\"foo\",\"bar\"]");
    private static final byte[] PONG = ascii("3");
    private static final byte[] CONNECT = ascii("40");
    /** RFC 6455 section 1.3: the server proves it read the key by hashing it with this constant. */
    private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** Enough for every read of this benchmark: one event frame is 17 bytes. A frame must fit whole. */
    private static final int READ_BUFFER = 256 * 1024;

    private static final int CONNECTING = 0;
    private static final int UPGRADING = 1;
    private static final int OPENING = 2;
    private static final int JOINING = 3;
    private static final int READY = 4;
    private static final int CLOSED = 5;

    final int k;
    private final long[] sentAt;
    private final long[] receivedAt;
    private final AtomicIntegerArray deliveredIn;
    private final CountDownLatch[] delivered;
    private final InetSocketAddress server;
    private final String token;
    private final Member[] members;
    private final Selector selector;
    private final Thread thread;
    private final ByteBuffer in = ByteBuffer.allocateDirect(READ_BUFFER);
    private final SplittableRandom random = new SplittableRandom();
    private final CountDownLatch allReady = new CountDownLatch(1);
    // written by the client thread only (so ++ loses nothing), read by the others
    private volatile int opened;
    private volatile int ready;
    private volatile int unexpected;
    private volatile int strange;
    private volatile String failure;
    private volatile boolean running = true;

    private Crowd(InetSocketAddress server, String token, int k, int rounds) throws IOException {
        this.server = server;
        this.token = token;
        this.k = k;
        sentAt = new long[rounds];
        receivedAt = new long[Math.max(1, k * rounds)];
        deliveredIn = new AtomicIntegerArray(rounds);
        delivered = new CountDownLatch[rounds];
        for (int j = 0; j < rounds; j++) {
            delivered[j] = new CountDownLatch(1);
        }
        members = new Member[k];
        selector = Selector.open();
        thread = new Thread(this::loop, "fanout-client");
        thread.setDaemon(true);
    }

    /**
     * Opens K connections of the user whose token is given, and returns when all K have Socket.IO's
     * CONNECT; fails when {@link Fanout#PATIENCE} goes by without one more connection getting there.
     */
    static Crowd connect(InetSocketAddress server, String token, int k, int rounds) throws Exception {
        Crowd crowd = new Crowd(server, token, k, rounds);
        crowd.thread.start();
        int seen = -1;
        while (!crowd.allReady.await(Fanout.PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
            if (crowd.failure != null || crowd.ready == seen) {
                crowd.close();
                String why = crowd.failure == null ? "none in the last " + Fanout.PATIENCE.toSeconds() + " s" : crowd.failure;
                throw new IllegalStateException(String.format(Locale.ROOT, "%,d of %,d connections of one user got Socket.IO's CONNECT"
                        + " (%,d opened); %s", crowd.ready, k, crowd.opened, why));
            }
            seen = crowd.ready;
        }
        if (crowd.failure != null) {
            crowd.close();
            throw new IllegalStateException(crowd.failure);
        }
        return crowd;
    }

    /** What makes the server send the event once (a POST). */
    interface Notifier {
        void run() throws Exception;
    }

    /** Sends event j with {@code send} and waits until every connection has it; false when some never got it. */
    boolean send(int j, Notifier send) throws Exception {
        sentAt[j] = System.nanoTime();
        send.run();
        return delivered[j].await(Fanout.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    }

    long lostSoFar(int j) {
        return k - deliveredIn.get(j);
    }

    /** Call after the last round's wait: the latch orders the reads after the client thread's writes. */
    long lastDelivery() {
        long last = 0;
        for (long t : receivedAt) {
            last = Math.max(last, t);
        }
        return last;
    }

    long[] latencies(int from, int to) {
        long[] out = new long[(to - from) * k];
        int n = 0;
        for (int j = from; j < to; j++) {
            for (int i = 0; i < k; i++) {
                out[n++] = receivedAt[j * k + i] - sentAt[j];
            }
        }
        Arrays.sort(out);
        return out;
    }

    /** Events received beyond the rounds expected, or by a crowd that expected none (another user's). */
    int unexpected() {
        return unexpected;
    }

    /** Messages that are neither the event nor part of the handshake or the heartbeat. */
    int strange() {
        return strange;
    }

    /** Why the first connection that broke broke, or null. */
    String failure() {
        return failure;
    }

    /** The CPU time of this crowd's thread so far, in seconds (the JVM measures it per thread on Linux). */
    double threadCpuSeconds() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long nanos = threads.isThreadCpuTimeSupported() ? threads.getThreadCpuTime(thread.getId()) : -1;
        return nanos < 0 ? 0 : nanos / 1e9;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        selector.wakeup();
        thread.join(Fanout.PATIENCE.toMillis());
        try {
            // the selector first: a channel closed while still registered keeps its descriptor until the next select
            selector.close();
        } catch (IOException e) {
            // closing: nothing left to do with it
        }
        for (Member member : members) {
            if (member != null) {
                member.closeQuietly();
            }
        }
    }

    // ---- the client thread

    private void loop() {
        try {
            for (int i = 0; i < Math.min(CONNECT_IN_FLIGHT, k); i++) {
                open();
            }
            if (k == 0) {
                allReady.countDown();
            }
            while (running) {
                selector.select(this::ready);
            }
        } catch (IOException | RuntimeException e) {
            fail("the client thread stopped: " + e);
        }
    }

    private void open() throws IOException {
        int index = opened;
        SocketChannel channel = SocketChannel.open();
        Member member = new Member(index, channel);
        members[index] = member;
        opened = index + 1;
        channel.configureBlocking(false);
        // the client's few writes (handshake, "40", pongs) are each one whole message: no reason to hold them back
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if (channel.connect(server)) {
            member.key = channel.register(selector, SelectionKey.OP_READ, member);
            upgrade(member);
        } else {
            member.key = channel.register(selector, SelectionKey.OP_CONNECT, member);
        }
    }

    private void ready(SelectionKey key) {
        Member member = (Member) key.attachment();
        try {
            if (key.isConnectable()) {
                if (!member.channel.finishConnect()) {
                    return;
                }
                key.interestOps(SelectionKey.OP_READ);
                upgrade(member);
                return;
            }
            if (key.isWritable()) {
                flush(member);
            }
            if (key.isReadable()) {
                read(member);
            }
        } catch (IOException | RuntimeException e) {
            broken(member, e.toString());
        }
    }

    private void upgrade(Member member) throws IOException {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        member.accept = accept(key);
        member.state = UPGRADING;
        write(member, ByteBuffer.wrap(ascii("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                + "Host: " + server.getHostString() + ":" + server.getPort() + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "Authorization: Bearer " + token + "\r\n"
                + "\r\n")));
    }

    private void read(Member member) throws IOException {
        in.clear();
        if (member.leftover != null) {
            in.put(member.leftover);
            member.leftover = null;
        }
        int n = member.channel.read(in);
        long now = System.nanoTime();
        if (n < 0) {
            // the Node server refuses a websocket upgrade this way: no 401, the socket closed
            broken(member, member.state == UPGRADING ? "closed by the server before it answered the upgrade" : "closed by the server");
            return;
        }
        in.flip();
        if (member.state == UPGRADING && !handshake(member)) {
            keep(member);
            return;
        }
        frames(member, now);
        keep(member);
    }

    /** Keeps the bytes of an incomplete frame (or response) for the next read: the shared buffer is reused. */
    private void keep(Member member) {
        if (in.hasRemaining() && member.state != CLOSED) {
            if (in.remaining() == in.capacity()) {
                throw new IllegalStateException("a frame larger than " + READ_BUFFER + " bytes: this benchmark reads small ones only");
            }
            member.leftover = new byte[in.remaining()];
            in.get(member.leftover);
        }
    }

    /** The server's answer to the upgrade; false while its head is incomplete. */
    private boolean handshake(Member member) {
        int end = -1;
        for (int i = in.position(); i + 3 < in.limit(); i++) {
            if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r' && in.get(i + 3) == '\n') {
                end = i + 4;
                break;
            }
        }
        if (end < 0) {
            return false;
        }
        byte[] head = new byte[end - in.position()];
        in.get(head);
        String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
        if (!lines[0].startsWith("HTTP/1.1 101")) {
            throw new IllegalStateException("the upgrade was answered \"" + lines[0] + "\", not 101");
        }
        String accept = null;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Accept")) {
                accept = line.substring(colon + 1).trim();
            }
        }
        if (!member.accept.equals(accept)) {
            throw new IllegalStateException("Sec-WebSocket-Accept was " + accept + ", expected " + member.accept);
        }
        member.state = OPENING;
        return true;
    }

    /** Websocket frames from the server (RFC 6455 section 5.2): never masked; text, ping and close expected. */
    private void frames(Member member, long now) throws IOException {
        while (member.state != CLOSED && in.remaining() >= 2) {
            int p = in.position();
            int b0 = in.get(p) & 0xFF;
            int b1 = in.get(p + 1) & 0xFF;
            if ((b1 & 0x80) != 0) {
                throw new IllegalStateException("a masked frame from the server (RFC 6455 section 5.1 forbids it)");
            }
            long length = b1 & 0x7F;
            int header = 2;
            if (length == 126) {
                if (in.remaining() < 4) {
                    return;
                }
                length = in.getShort(p + 2) & 0xFFFF;
                header = 4;
            } else if (length == 127) {
                if (in.remaining() < 10) {
                    return;
                }
                length = in.getLong(p + 2);
                header = 10;
            }
            if (length > READ_BUFFER - header) {
                throw new IllegalStateException("a frame of " + length + " bytes: this benchmark reads small ones only");
            }
            if (in.remaining() < header + length) {
                return;
            }
            int from = p + header;
            int size = (int) length;
            in.position(from + size);
            boolean fin = (b0 & 0x80) != 0;
            int opcode = b0 & 0x0F;
            if (!fin || opcode == 0) {
                throw new IllegalStateException("a fragmented message: neither server fragments messages this small");
            }
            switch (opcode) {
                case 1 -> message(member, from, size, now);
                case 9 -> send(member, 0xA, in, from, size); // a websocket ping: the pong carries its payload back
                case 10 -> {
                    // a pong: nothing asked for it, nothing to do
                }
                case 8 -> broken(member, "the server closed the websocket (close frame)");
                default -> throw new IllegalStateException("an unexpected frame, opcode " + opcode);
            }
        }
    }

    /** One engine.io packet. Only the event is compared byte by byte; the rest are rare. */
    private void message(Member member, int from, int size, long now) throws IOException {
        if (size == EVENT.length && equals(from, EVENT)) {
            int j = member.events++;
            if (j < delivered.length) {
                receivedAt[j * k + member.index] = now;
                if (deliveredIn.incrementAndGet(j) == k) {
                    delivered[j].countDown();
                }
            } else {
                unexpected++;
            }
            return;
        }
        byte first = size == 0 ? 0 : in.get(from);
        if (size == 1 && first == '2') {
            send(member, 1, ByteBuffer.wrap(PONG), 0, PONG.length); // engine.io's heartbeat: ping "2", pong "3"
        } else if (member.state == OPENING && first == '0') {
            member.state = JOINING;
            send(member, 1, ByteBuffer.wrap(CONNECT), 0, CONNECT.length); // engine.io is open: join the default namespace
        } else if (member.state == JOINING && size >= 2 && first == '4' && in.get(from + 1) == '0') {
            member.state = READY;
            ready++;
            if (ready == k) {
                allReady.countDown();
            } else if (opened < k) {
                open();
            }
        } else if (size >= 2 && first == '4' && in.get(from + 1) == '4') {
            broken(member, "refused: " + text(from, size)); // Socket.IO CONNECT_ERROR
        } else if (size >= 2 && first == '4' && in.get(from + 1) == '1') {
            broken(member, "disconnected by the server: " + text(from, size));
        } else {
            strange++;
        }
    }

    private boolean equals(int from, byte[] expected) {
        for (int i = 0; i < expected.length; i++) {
            if (in.get(from + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private String text(int from, int size) {
        byte[] bytes = new byte[size];
        in.get(from, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * One frame to the server, masked as RFC 6455 section 5.3 requires of clients (a server closes the
     * connection on an unmasked one). Only small payloads are ever sent.
     */
    private void send(Member member, int opcode, ByteBuffer source, int from, int size) throws IOException {
        if (size > 125) {
            throw new IllegalStateException("only payloads up to 125 bytes are sent");
        }
        ByteBuffer frame = ByteBuffer.allocate(6 + size);
        int mask = random.nextInt();
        frame.put((byte) (0x80 | opcode)).put((byte) (0x80 | size)).putInt(mask);
        for (int i = 0; i < size; i++) {
            frame.put((byte) (source.get(from + i) ^ (mask >>> (8 * (3 - (i & 3))))));
        }
        write(member, frame.flip());
    }

    /** Writes what the socket takes now; the rest waits for OP_WRITE, behind anything already waiting. */
    private void write(Member member, ByteBuffer bytes) throws IOException {
        if (member.out == null) {
            member.channel.write(bytes);
            if (!bytes.hasRemaining()) {
                return;
            }
            member.out = bytes;
        } else {
            ByteBuffer both = ByteBuffer.allocate(member.out.remaining() + bytes.remaining());
            member.out = both.put(member.out).put(bytes).flip();
        }
        member.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }

    private void flush(Member member) throws IOException {
        member.channel.write(member.out);
        if (!member.out.hasRemaining()) {
            member.out = null;
            member.key.interestOps(SelectionKey.OP_READ);
        }
    }

    /** A connection that broke: closed, and the first reason kept; while connecting, it fails {@link #connect}. */
    private void broken(Member member, String reason) {
        boolean connected = member.state == READY;
        member.state = CLOSED;
        member.closeQuietly();
        if (running) {
            fail("connection " + member.index + (connected ? " (connected)" : " (connecting)") + ": " + reason);
        }
    }

    private void fail(String reason) {
        if (failure == null) {
            failure = reason;
        }
        allReady.countDown();
    }

    private static String accept(String key) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(ascii(key + WEBSOCKET_GUID)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** One connection's state; touched by the client thread only (and closed after it stopped). */
    private static final class Member {

        final int index;
        final SocketChannel channel;
        SelectionKey key;
        int state = CONNECTING;
        String accept;
        byte[] leftover;
        ByteBuffer out;
        int events;

        Member(int index, SocketChannel channel) {
            this.index = index;
            this.channel = channel;
        }

        void closeQuietly() {
            try {
                channel.close();
            } catch (IOException e) {
                // closing: the descriptor is released either way
            }
        }
    }
}
