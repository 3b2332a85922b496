package kata.plumbing;

import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.handler.InPacketHandler;
import com.corundumstudio.socketio.handler.PacketListener;
import com.corundumstudio.socketio.listener.ExceptionListener;
import com.corundumstudio.socketio.messages.PacketsMessage;
import com.corundumstudio.socketio.namespace.Namespace;
import com.corundumstudio.socketio.namespace.NamespacesHub;
import com.corundumstudio.socketio.protocol.Packet;
import com.corundumstudio.socketio.protocol.PacketDecoder;
import com.corundumstudio.socketio.protocol.PacketType;
import com.corundumstudio.socketio.transport.NamespaceClient;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import java.lang.reflect.Field;

/**
 * The library's handler of the packets a client sends, with the default namespace's CONNECT handed to
 * the {@link ConnectGate}, and the messages of a session the gate has not accepted never dispatched.
 * Everything else goes to the library's own {@code PacketListener}, as in {@code InPacketHandler}:
 * pings, pongs, the upgrade, acks, events of accepted connections, other namespaces.
 */
@Sharable
final class GatedPackets extends InPacketHandler {

    private final PacketListener listener;
    private final PacketDecoder decoder;
    private final NamespacesHub namespaces;
    private final ConnectGate gate;

    private GatedPackets(PacketListener listener, PacketDecoder decoder, NamespacesHub namespaces, ExceptionListener exceptions,
            ConnectGate gate) {
        super(listener, decoder, namespaces, exceptions);
        this.listener = listener;
        this.decoder = decoder;
        this.namespaces = namespaces;
        this.gate = gate;
    }

    /** The library's handler, gated; null when a later version of the library renamed what this reads. */
    static GatedPackets around(InPacketHandler library, ConnectGate gate) {
        try {
            return new GatedPackets((PacketListener) field(library, "packetListener"), (PacketDecoder) field(library, "decoder"),
                    (NamespacesHub) field(library, "namespacesHub"), (ExceptionListener) field(library, "exceptionListener"), gate);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Object field(InPacketHandler handler, String name) throws ReflectiveOperationException {
        Field field = InPacketHandler.class.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(handler);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, PacketsMessage message) throws Exception {
        ByteBuf content = message.getContent();
        ClientHead client = message.getClient();
        while (content.isReadable()) {
            Packet packet = decoder.decodePackets(content, client);
            Namespace namespace = namespaces.get(packet.getNsp());
            boolean isMessage = packet.getType() == PacketType.MESSAGE;
            if (namespace == null) {
                if (isMessage && packet.getSubType() == PacketType.CONNECT) {
                    Packet error = new Packet(PacketType.MESSAGE, client.getEngineIOVersion());
                    error.setSubType(PacketType.ERROR);
                    error.setNsp(packet.getNsp());
                    error.setData("Invalid namespace");
                    client.send(error);
                }
                return;
            }
            boolean gated = Namespace.DEFAULT_NAME.equals(namespace.getName());
            if (gated && isMessage && packet.getSubType() == PacketType.CONNECT) {
                gate.connect(client, namespace, packet.getData());
                continue;
            }
            NamespaceClient namespaced = client.getChildClient(namespace);
            if (namespaced == null) {
                return;
            }
            if (gated && isMessage && packet.getSubType() != PacketType.DISCONNECT && !gate.isAccepted(namespaced)) {
                gate.unaccepted(namespaced);
                return;
            }
            if (packet.hasAttachments() && !packet.isAttachmentsLoaded()) {
                return;
            }
            listener.onPacket(packet, namespaced, message.getTransport());
        }
    }
}
