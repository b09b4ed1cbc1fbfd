package io.swivel.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay on a loopback ephemeral port in front of a server, which keeps the bytes each
 * connection sent towards the server (the first {@value #KEPT} of each): to see what a real client
 * writes on the wire while a real server answers it.
 */
final class RecordingRelay implements AutoCloseable {

    static final int KEPT = 1 << 20;

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final List<Socket> sockets = new ArrayList<>();
    private final List<ByteArrayOutputStream> untaken = new ArrayList<>();

    RecordingRelay(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(this::accept, "relay-accept");
        accepting.setDaemon(true);
        accepting.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** What each connection accepted since the last call sent so far, in the order they were accepted. */
    synchronized List<byte[]> takeSent() {
        List<byte[]> sent = new ArrayList<>();
        for (ByteArrayOutputStream recording : untaken) {
            synchronized (recording) {
                sent.add(recording.toByteArray());
            }
        }
        untaken.clear();
        return sent;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket from = listener.accept();
                Socket to = new Socket(target.getAddress(), target.getPort());
                ByteArrayOutputStream recording = new ByteArrayOutputStream();
                synchronized (this) {
                    sockets.add(from);
                    sockets.add(to);
                    untaken.add(recording);
                }
                copy(from, to, recording);
                copy(to, from, null);
            } catch (IOException e) {
                return; // the listener was closed
            }
        }
    }

    private static void copy(Socket from, Socket to, ByteArrayOutputStream recording) {
        Thread copying = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n; (n = in.read(buffer)) != -1; ) {
                    if (recording != null) {
                        synchronized (recording) {
                            recording.write(buffer, 0, Math.max(0, Math.min(n, KEPT - recording.size())));
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed: closing both streams (try-with-resources) ends the other direction too
            }
        }, "relay-copy");
        copying.setDaemon(true);
        copying.start();
    }

    @Override
    public synchronized void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
