package io.swivel.server.security;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swivel.protocol.Frame;
import io.swivel.protocol.FrameDecoder;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;

/** A plain loopback socket speaking raw bytes to the server, reading whole swivel/1 frames back. */
final class WireConnection implements AutoCloseable {

    /** How long a read waits before the test calls the server stuck. */
    static final int READ_TIMEOUT_MILLIS = 20_000;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    WireConnection(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getHostString(), address.getPort());
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    /** Queues bytes; {@link #flush} sends them. */
    void write(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    void flush() throws IOException {
        out.flush();
    }

    void send(byte[] bytes) throws IOException {
        write(bytes);
        flush();
    }

    /** Ends our side of the stream, as a peer that has nothing more to say does. */
    void shutdownOutput() throws IOException {
        out.flush();
        socket.shutdownOutput();
    }

    /**
     * Reads the next frame.
     *
     * @return the frame, or null once the server has closed the connection
     * @throws java.net.SocketTimeoutException if nothing comes within {@link #READ_TIMEOUT_MILLIS}
     */
    Frame read() throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            return null;
        } catch (SocketException e) {
            if (isReset(e)) {
                return null;
            }
            throw e;
        }
        if (length < 0 || length > 64 * 1024 * 1024) {
            throw new IOException("the server sent a frame length of " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        try {
            return FrameDecoder.parse(buf);
        } finally {
            buf.release();
        }
    }

    private static boolean isReset(SocketException e) {
        return e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("reset");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
