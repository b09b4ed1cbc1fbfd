package io.swivel.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swivel.protocol.Frame;
import io.swivel.protocol.FrameDecoder;
import io.swivel.protocol.FrameEncoder;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** A plain socket speaking raw swivel/1 bytes, for feeding the server what no client would send. */
final class RawClient implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawClient(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getHostString(), address.getPort());
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    void send(Frame frame) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        try {
            FrameEncoder.encode(frame, buf, Integer.MAX_VALUE);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            sendBytes(bytes);
        } finally {
            buf.release();
        }
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    Frame receive() throws IOException {
        int length = in.readInt();
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            return FrameDecoder.parse(buf);
        } finally {
            buf.release();
        }
    }

    /** True once the server has closed the connection (end of stream within the socket timeout). */
    boolean closedByServer() throws IOException {
        try {
            while (in.read() != -1) {
                // drain anything the server sent before closing
            }
            return true;
        } catch (EOFException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
