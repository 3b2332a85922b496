package kata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** A websocket upgrade to the Socket.IO server written by hand, for tests that need the bytes on the wire. */
final class RawUpgrades {

    private RawUpgrades() {
    }

    /** The upgrade request of an engine.io v4 websocket with the token in its Authorization header, and {@code headers} (each ending in CRLF). */
    static byte[] request(int port, String token, String headers) {
        return ("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + headers
                + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The answer's status line and headers, up to the blank line (or what came before the end of the stream). */
    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
