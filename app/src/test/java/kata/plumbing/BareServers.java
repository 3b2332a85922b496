package kata.plumbing;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOServer;

/** A Socket.IO server of the library alone, on a free port of 127.0.0.1, with or without the workarounds of plumbing/. */
final class BareServers {

    private BareServers() {
    }

    static SocketIOServer server(boolean workarounds) {
        Configuration configuration = new Configuration();
        configuration.setHostname("127.0.0.1");
        configuration.setPort(0);
        SocketIOServer server = new SocketIOServer(configuration);
        if (workarounds) {
            SocketIoWorkarounds.install(server);
        }
        return server;
    }
}
