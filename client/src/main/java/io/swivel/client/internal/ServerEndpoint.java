package io.swivel.client.internal;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.handler.ssl.SslHandler;
import io.swivel.client.SwivelException;
import io.swivel.client.balance.Endpoint;
import io.swivel.client.balance.LatencyEwma;
import io.swivel.protocol.ResponseFrame;
import io.swivel.registry.InstanceInfo;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One server as the client sees it: a lazily opened (and re-opened) multiplexed connection,
 * the calls in flight, a latency average, and whether it is ejected after a failure.
 */
final class ServerEndpoint implements Endpoint {

    private final String id;
    private final String host;
    private final int port;
    private final Bootstrap bootstrap;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LatencyEwma latency = new LatencyEwma();
    private final Object connectLock = new Object();
    private volatile int weight = 1;
    /** The warm-up announced in the registration: its window, its start (server clock), its first sighting here. */
    private volatile Warmup warmup = Warmup.NONE;
    private volatile long ejectedUntilNanos;
    private volatile Connection connection;
    private CompletableFuture<Connection> connecting;
    private volatile boolean closed;
    private volatile boolean closeWhenIdle;
    /** Why this server is never connected to (a plain-TCP server of a TLS-only client), or null. */
    private final String refusal;

    ServerEndpoint(String host, int port, Bootstrap bootstrap) {
        this(host, port, bootstrap, null);
    }

    private ServerEndpoint(String host, int port, Bootstrap bootstrap, String refusal) {
        this.id = host + ":" + port;
        this.host = host;
        this.port = port;
        this.bootstrap = bootstrap;
        this.refusal = refusal;
    }

    /**
     * A server calls never go to: each fails at once, unsent, with the reason.
     *
     * @param host the host
     * @param port the port
     * @param reason why
     * @return the endpoint
     */
    static ServerEndpoint refused(String host, int port, String reason) {
        return new ServerEndpoint(host, port, null, reason);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int weight() {
        return weight;
    }

    @Override
    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public long latencyEwmaNanos() {
        return latency.value();
    }

    void weight(int newWeight) {
        this.weight = Math.max(1, newWeight);
    }

    @Override
    public double warmth() {
        Warmup current = warmup;
        if (current.windowMillis() <= 0) {
            return 1.0;
        }
        long now = System.currentTimeMillis();
        // a server clock ahead of ours puts the start in the future: then count from our first sighting
        return InstanceInfo.warmth(current.windowMillis(), Math.max(now - current.startMillis(), now - current.seenMillis()));
    }

    /**
     * Takes the warm-up a registration announces (a new start restarts the ramp).
     *
     * @param windowMillis the window, 0 for none
     * @param startMillis when it started, epoch milliseconds of the server's clock
     */
    void warmup(long windowMillis, long startMillis) {
        Warmup current = warmup;
        if (current.startMillis() != startMillis || current.windowMillis() != windowMillis) {
            warmup = new Warmup(windowMillis, startMillis, System.currentTimeMillis());
        }
    }

    /** One announced warm-up. */
    private record Warmup(long windowMillis, long startMillis, long seenMillis) {
        static final Warmup NONE = new Warmup(0, 0, 0);
    }

    /** @return true if a failure took it out of rotation for a while */
    boolean isEjected() {
        return ejectedUntilNanos != 0 && System.nanoTime() - ejectedUntilNanos < 0;
    }

    /** Takes it out of rotation; it is tried again (probed) after the pause. */
    void eject(long millis) {
        ejectedUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** @return true if the server said GOAWAY on the open connection */
    boolean isGoingAway() {
        Connection current = connection;
        return current != null && current.isGoingAway();
    }

    /**
     * Sends one request, connecting first if needed; counts it in flight and feeds the latency
     * average with its round trip, then hands the answer to {@code result}.
     */
    void send(String service, String methodKey, String versionConstraint, long timeoutMillis,
              java.util.Map<String, String> metadata, byte[] body, AnswerListener result) {
        inFlight.incrementAndGet();
        Tracked tracked = new Tracked(result);
        Connection current = connection;
        if (current != null && current.isUsable()) {
            current.send(service, methodKey, versionConstraint, timeoutMillis, metadata, body, tracked);
            return;
        }
        connect().whenComplete((opened, error) -> {
            if (error != null) {
                tracked.answered(null, error);
                return;
            }
            // The latency sample is the call's round trip, not the connection set-up before it: a
            // first call that pays for the connect would make the server look slow to the balancer.
            tracked.startNanos = System.nanoTime();
            try {
                opened.send(service, methodKey, versionConstraint, timeoutMillis, metadata, body, tracked);
            } catch (RuntimeException | Error e) {
                tracked.answered(null, e); // the call fails with it, not unanswered in a stage nobody reads
            }
        });
    }

    /** One call in flight on this server: its bookkeeping when it ends, before the router hears of it. */
    private final class Tracked implements AnswerListener {

        private final AnswerListener next;
        /** When the call was sent (after the connect, if it waited for one). */
        long startNanos = System.nanoTime();

        Tracked(AnswerListener next) {
            this.next = next;
        }

        @Override
        public void answered(ResponseFrame response, Throwable error) {
            try {
                int left = inFlight.decrementAndGet();
                if (error == null) {
                    latency.record(System.nanoTime() - startNanos);
                    ejectedUntilNanos = 0;
                }
                if (left == 0 && closeWhenIdle) {
                    close();
                }
            } finally {
                next.answered(response, error); // the router hears of the call whatever the bookkeeping did
            }
        }
    }

    private CompletableFuture<Connection> connect() {
        synchronized (connectLock) {
            Connection current = connection;
            if (current != null && current.isUsable()) {
                return CompletableFuture.completedFuture(current);
            }
            if (closed) {
                return CompletableFuture.failedFuture(new ConnectFailedException(id, "the client dropped " + id, null));
            }
            if (refusal != null) {
                return CompletableFuture.failedFuture(new ConnectFailedException(id, refusal, null));
            }
            if (connecting != null) {
                return connecting;
            }
            CompletableFuture<Connection> attempt = new CompletableFuture<>();
            connecting = attempt;
            ChannelFuture future = bootstrap.connect(new InetSocketAddress(host, port));
            future.addListener(done -> {
                synchronized (connectLock) {
                    connecting = null;
                    if (done.isSuccess()) {
                        SslHandler tls = future.channel().pipeline().get(SslHandler.class);
                        if (tls == null) {
                            opened(future.channel().pipeline().get(Connection.class), attempt);
                        } else {
                            // Usable once the handshake is done; a failed one fails the attempt with its cause.
                            connecting = attempt;
                            tls.handshakeFuture().addListener(handshake -> handshakeDone(future, handshake, attempt));
                        }
                    } else {
                        attempt.completeExceptionally(new ConnectFailedException(id, "cannot connect to " + id + " ("
                                + done.cause().getMessage() + "); is the server running?", done.cause()));
                    }
                }
            });
            return attempt;
        }
    }

    /** Holds connectLock. */
    private void opened(Connection opened, CompletableFuture<Connection> attempt) {
        connection = opened;
        if (closed) {
            opened.close();
        }
        attempt.complete(opened);
    }

    private void handshakeDone(ChannelFuture connected, io.netty.util.concurrent.Future<?> handshake,
                               CompletableFuture<Connection> attempt) {
        synchronized (connectLock) {
            connecting = null;
            if (handshake.isSuccess()) {
                opened(connected.channel().pipeline().get(Connection.class), attempt);
            } else {
                connected.channel().close();
                attempt.completeExceptionally(new ConnectFailedException(id, TlsErrors.describe(connected.channel(), id, handshake.cause()),
                        handshake.cause()));
            }
        }
    }

    /** Closes the connection once no call is in flight on it (now, if none is). */
    void closeWhenIdle() {
        closeWhenIdle = true;
        if (inFlight.get() == 0) {
            close();
        }
    }

    /** Closes the connection; calls waiting on it fail. */
    void close() {
        synchronized (connectLock) {
            closed = true;
            Connection current = connection;
            if (current != null) {
                current.close();
            }
        }
    }

    @Override
    public String toString() {
        return id;
    }

    /** The request never left: the connection could not be opened. Safe to retry anywhere. */
    static final class ConnectFailedException extends SwivelException {
        private static final long serialVersionUID = 1L;
        private final String endpoint;

        ConnectFailedException(String endpoint, String message, Throwable cause) {
            super(null, message, cause);
            this.endpoint = endpoint;
        }

        String endpoint() {
            return endpoint;
        }
    }
}
