package io.swivel.client;

import io.swivel.client.internal.DefaultSwivelClient;
import io.swivel.protocol.Frame;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/** Builds a {@link SwivelClient}. Obtain one from {@link SwivelClient#builder()}. */
public final class SwivelClientBuilder {

    private InetSocketAddress address;
    private Duration timeout = Duration.ofSeconds(5);
    private Duration connectTimeout = Duration.ofSeconds(3);
    private int maxFrameLength = Frame.DEFAULT_MAX_FRAME_LENGTH;
    private int ioThreads;
    private Executor callbackExecutor;

    SwivelClientBuilder() {
    }

    /**
     * The server to call.
     *
     * @param host a host name or address
     * @param port the server's RPC port
     * @return this builder
     */
    public SwivelClientBuilder address(String host, int port) {
        Objects.requireNonNull(host, "host");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        this.address = InetSocketAddress.createUnresolved(host, port);
        return this;
    }

    /**
     * The default time a call may take, from when it is sent (default 5 s). Override per call
     * with {@link SwivelClient#withTimeout}.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public SwivelClientBuilder timeout(Duration timeout) {
        this.timeout = positive(timeout, "timeout");
        return this;
    }

    /**
     * How long to wait for a connection to open (default 3 s).
     *
     * @param connectTimeout a positive duration
     * @return this builder
     */
    public SwivelClientBuilder connectTimeout(Duration connectTimeout) {
        this.connectTimeout = positive(connectTimeout, "connectTimeout");
        return this;
    }

    /**
     * The longest frame sent or accepted (default 16 MiB, as the server's default).
     *
     * @param maxFrameLength bytes
     * @return this builder
     */
    public SwivelClientBuilder maxFrameLength(int maxFrameLength) {
        if (maxFrameLength < 1024) {
            throw new IllegalArgumentException("maxFrameLength: " + maxFrameLength + " (expected: >= 1024)");
        }
        this.maxFrameLength = maxFrameLength;
        return this;
    }

    /**
     * The number of Netty I/O threads (default: Netty's, twice the cores).
     *
     * @param ioThreads a positive count
     * @return this builder
     */
    public SwivelClientBuilder ioThreads(int ioThreads) {
        if (ioThreads <= 0) {
            throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: > 0)");
        }
        this.ioThreads = ioThreads;
        return this;
    }

    /**
     * Where the futures of asynchronous methods complete (default: a client-owned pool, so
     * that callbacks never run on a network thread).
     *
     * @param callbackExecutor the executor; the client does not shut it down
     * @return this builder
     */
    public SwivelClientBuilder callbackExecutor(Executor callbackExecutor) {
        this.callbackExecutor = Objects.requireNonNull(callbackExecutor, "callbackExecutor");
        return this;
    }

    /**
     * Builds the client. Connections open on the first call.
     *
     * @return the client
     * @throws IllegalStateException if no address was given
     */
    public SwivelClient build() {
        if (address == null) {
            throw new IllegalStateException("no server address: call address(host, port)");
        }
        return new DefaultSwivelClient(address, timeout, connectTimeout, maxFrameLength, ioThreads, callbackExecutor);
    }

    private static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
        return value;
    }
}
