package kata.plumbing;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.handler.AuthorizeHandler;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.namespace.NamespacesHub;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * netty-socketio 2.0.14, {@code PollingTransport.onGet} and {@code WebSocketTransport.connectClient}:
 * on the handshake they bind the transport, which sends the engine.io OPEN at once, and only then call
 * {@code AuthorizeHandler.connect(client)}, which runs the connect listeners of the default namespace.
 * A client that reads the OPEN sends its Socket.IO CONNECT straight away, and the library handles it on
 * another event loop, possibly while those listeners still run, or before they have started. An app that
 * tells the binding's call of its connect listener apart from the CONNECT's (the guide's auth payload
 * needs to) then sees them in either order, or sees only one of them: under load, 1 in a few hundred
 * connections was closed after the connect timeout although the client had been told "connected".
 *
 * <p>This handler makes that call on the handshake request itself, before the transport binds: the
 * listeners have returned before the OPEN leaves, so the CONNECT comes after them. The library's own
 * call then finds the session connected to the namespace and does nothing.
 */
@Sharable
final class ConnectBeforeOpen extends ChannelInboundHandlerAdapter {

    private final AuthorizeHandler authorization;
    private final NamespacesHub namespaces;
    /** The path of the handshake: the only request on which the library makes a session. */
    private final String handshakePath;
    /** Null, or the gate that takes the session into the namespace without running the connect listeners. */
    private final ConnectGate gate;

    ConnectBeforeOpen(AuthorizeHandler authorization, NamespacesHub namespaces, String context, ConnectGate gate) {
        this.authorization = authorization;
        this.namespaces = namespaces;
        this.handshakePath = context + "/";
        this.gate = gate;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof FullHttpRequest request && HttpMethod.GET.equals(request.method()) && isHandshake(request)) {
            // a handshake the library has authorized (or it would not have come this far): it made the
            // session and put it on this channel
            ClientHead client = ctx.channel().attr(ClientHead.CLIENT).get();
            if (client != null && gate != null) {
                // the connect listeners wait for an accepted CONNECT (ConnectGate)
                gate.opened(client, namespaces.get(Namespace.DEFAULT_NAME));
            } else if (client != null) {
                try {
                    authorization.connect(client);
                } catch (NullPointerException e) {
                    connectAgain(client);
                }
            }
        }
        ctx.fireChannelRead(msg);
    }

    /**
     * netty-socketio 2.0.14, {@code Namespace.onConnect}: it asks {@code roomClients.containsKey(name)},
     * then reads {@code roomClients.get(name)}; when the last session leaves the namespace's room between
     * the two ({@code Namespace.leave} removes an emptied room), the read is null and the handshake fails
     * with a NullPointerException (about 1 websocket handshake in a few thousand, 8 at a time, from step
     * 08 on, where every session leaves that room when its transport is bound). The race is over by now:
     * the session was added to the namespace before the throw, so what is left is the namespace's
     * {@code onConnect}, once more.
     */
    private void connectAgain(ClientHead client) {
        Namespace namespace = namespaces.get(Namespace.DEFAULT_NAME);
        SocketIOClient namespaced = client.getChildClient(namespace);
        if (namespaced != null) {
            namespace.onConnect(namespaced);
        }
    }

    private boolean isHandshake(FullHttpRequest request) {
        QueryStringDecoder query = new QueryStringDecoder(request.uri());
        return query.path().equals(handshakePath) && !query.parameters().containsKey("sid");
    }
}
