package io.swivel.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A slow HTTP client (slowloris): one connection that sends the bytes of a request one at a time,
 * one every interval, and never finishes unless the server answers or closes first. Bounded: it
 * stops sending after its text, and its reader gives up after a time limit.
 */
public final class Dribbler implements AutoCloseable {

    private final Socket socket;
    private final byte[] text;
    private final AtomicInteger sent = new AtomicInteger();
    private final ScheduledFuture<?> sender;
    private final CompletableFuture<RawHttp.Reply> outcome = new CompletableFuture<>();
    private final long start = System.nanoTime();

    private Dribbler(Socket socket, String text, Duration every, Duration readLimit, ScheduledExecutorService scheduler) {
        this.socket = socket;
        this.text = text.getBytes(StandardCharsets.ISO_8859_1);
        write(this.text[0]); // the first byte now: the request has started
        this.sender = scheduler.scheduleAtFixedRate(this::sendOne, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        Thread reader = new Thread(() -> {
            try {
                socket.setSoTimeout((int) readLimit.toMillis());
                outcome.complete(RawHttp.read(socket.getInputStream(), start));
            } catch (IOException e) {
                outcome.completeExceptionally(e);
            }
        }, "dribbler-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Connects and starts dribbling.
     *
     * @param port the port on 127.0.0.1
     * @param text the request text to send byte by byte (say, a header that never ends)
     * @param every one byte per this interval
     * @param readLimit how long to wait for the server's answer or close at most
     * @param scheduler sends the bytes
     * @return the connected dribbler
     */
    public static Dribbler start(int port, String text, Duration every, Duration readLimit,
                                 ScheduledExecutorService scheduler) {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to 127.0.0.1:" + port, e);
        }
        return new Dribbler(socket, text, every, readLimit, scheduler);
    }

    private void sendOne() {
        int next = sent.get();
        if (next >= text.length || outcome.isDone()) {
            sender.cancel(false);
            return;
        }
        if (!write(text[next])) {
            sender.cancel(false); // the reader sees the close and reports it
        }
    }

    private boolean write(byte b) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(b);
            out.flush();
            sent.incrementAndGet();
            return true;
        } catch (IOException closedByServer) {
            return false;
        }
    }

    /** @return bytes sent so far */
    public int sent() {
        return sent.get();
    }

    /** @return what the server answered before it closed, when it closes */
    public CompletableFuture<RawHttp.Reply> outcome() {
        return outcome;
    }

    @Override
    public void close() throws IOException {
        sender.cancel(false);
        socket.close();
    }
}
