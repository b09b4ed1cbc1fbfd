package io.swivel.systest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swivel.protocol.ControlFrame;
import io.swivel.protocol.Frame;
import io.swivel.protocol.FrameDecoder;
import io.swivel.protocol.FrameEncoder;
import io.swivel.protocol.FrameType;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * A raw {@code swivel/1} socket for attack tests: writes whatever bytes it is given and reads
 * frames one at a time with a timeout, with no client library in between.
 */
final class RawWire implements AutoCloseable {

    private static final int MAX = 16 * 1024 * 1024;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawWire(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Connects.
     *
     * @param server the server's RPC address
     * @param from the local address to connect from (a loopback address), or null for any
     * @param receiveBuffer the socket's receive buffer in bytes, or 0 for the system's
     * @return the connection
     */
    static RawWire connect(InetSocketAddress server, InetAddress from, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        if (from != null) {
            socket.bind(new InetSocketAddress(from, 0));
        }
        socket.connect(server, 5000);
        return new RawWire(socket);
    }

    static byte[] bytes(Frame... frames) {
        ByteBuf buf = Unpooled.buffer();
        try {
            for (Frame frame : frames) {
                FrameEncoder.encode(frame, buf, MAX);
            }
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            return bytes;
        } finally {
            buf.release();
        }
    }

    void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void ping(long id) throws IOException {
        write(bytes(new ControlFrame(FrameType.PING, id, "")));
    }

    /**
     * Reads the next frame.
     *
     * @param timeout how long to wait for it
     * @return the frame, or null if the server closed the connection first
     */
    Frame read(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        int length;
        try {
            length = in.readInt();
        } catch (java.io.EOFException e) {
            return null;
        }
        byte[] frame = new byte[length];
        in.readFully(frame);
        ByteBuf buf = Unpooled.wrappedBuffer(frame);
        try {
            return FrameDecoder.parse(buf);
        } finally {
            buf.release();
        }
    }

    /** @return bytes readable without blocking */
    int available() throws IOException {
        return in.available();
    }

    /** @return true once the server closed its side (read returns end of stream within the timeout) */
    boolean closedByServer(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
