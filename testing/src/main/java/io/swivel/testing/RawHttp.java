package io.swivel.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, one new connection per exchange: what a test needs to be sure a
 * request does not ride on a pooled connection (a connection cap) or to send what no HTTP client
 * library sends (a lying {@code Content-Length}, a header byte by byte).
 */
public final class RawHttp {

    private RawHttp() {
    }

    /**
     * An answer as read off the socket.
     *
     * @param status the status code, or -1 if the server closed without answering
     * @param headers the header lines, as sent
     * @param body the body text
     * @param millis from connecting to the end of the answer (or the close)
     */
    public record Reply(int status, List<String> headers, String body, long millis) {
        /**
         * @param name a header name, any case
         * @return every value of that header
         */
        public List<String> header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(h -> h.substring(prefix.length()).trim()).toList();
        }
    }

    /**
     * Opens a connection, sends the bytes, reads until the server closes (send {@code Connection: close}).
     *
     * @param port the port on 127.0.0.1
     * @param request the whole request text
     * @param timeout for connecting and for each read
     * @return the answer
     */
    public static Reply exchange(int port, String request, Duration timeout) {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return read(socket.getInputStream(), start);
        } catch (IOException e) {
            throw new UncheckedIOException("HTTP exchange with 127.0.0.1:" + port + " failed", e);
        }
    }

    /**
     * A GET with {@code Connection: close} on a new connection.
     *
     * @param port the port on 127.0.0.1
     * @param path the path
     * @param extraHeaders header lines without line ends, e.g. {@code Authorization: Bearer x}
     * @return the request text
     */
    public static String get(int port, String path, String... extraHeaders) {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nConnection: close\r\n");
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        return request.append("\r\n").toString();
    }

    /**
     * Reads an answer until the server closes the connection.
     *
     * @param in the socket's input
     * @param startNanos when the exchange started
     * @return the answer; status -1 if nothing came before the close
     * @throws SocketTimeoutException if a read took longer than the socket's timeout
     */
    public static Reply read(InputStream in, long startNanos) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            all.write(buffer, 0, n);
        }
        long millis = (System.nanoTime() - startNanos) / 1_000_000;
        String text = all.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (text.isEmpty() || end < 0) {
            return new Reply(-1, List.of(), text, millis);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        List<String> headers = new ArrayList<>(List.of(lines).subList(1, lines.length));
        return new Reply(status, headers, text.substring(end + 4), millis);
    }
}
