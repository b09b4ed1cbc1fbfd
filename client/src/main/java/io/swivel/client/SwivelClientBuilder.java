package io.swivel.client;

import io.swivel.client.balance.Balancers;
import io.swivel.client.internal.DefaultSwivelClient;
import io.swivel.protocol.Frame;
import io.swivel.protocol.kryo.BodyForm;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    private String zookeeper;
    private Balancers balancer = Balancers.DEFAULT;
    private int maxAttempts = 3;
    private Duration heartbeat = Duration.ofSeconds(2);
    private int maxInFlightPerConnection = 1000;
    private int writeBufferHighWater = 1024 * 1024;
    private final List<ClientInterceptor> interceptors = new ArrayList<>();
    private ClientTls tls;
    private BodyForm bodyForm = BodyForm.DESCRIBED;

    SwivelClientBuilder() {
    }

    /**
     * Finds servers through ZooKeeper instead of a fixed address: the client watches
     * {@code /swivel/services}, connects to the servers listed for each service, uses a newly
     * registered one as soon as the watch reports it, and drops one that leaves.
     *
     * @param connectString {@code host:port,...}
     * @return this builder
     */
    public SwivelClientBuilder zookeeper(String connectString) {
        this.zookeeper = Objects.requireNonNull(connectString, "connectString");
        return this;
    }

    /**
     * The load balancer of every proxy that does not choose its own (default
     * {@link Balancers#P2C_EWMA}, power of two choices over a latency average).
     *
     * @param balancer the balancer
     * @return this builder
     */
    public SwivelClientBuilder balancer(Balancers balancer) {
        this.balancer = Objects.requireNonNull(balancer, "balancer");
        return this;
    }

    /**
     * How many times one call may be sent, the first included (default 3). A call is sent
     * again, to another server when there is one, after a connect failure, {@code RELOADING}
     * or {@code OVERLOADED}; after a lost connection only if its method is {@code @Idempotent}.
     *
     * @param maxAttempts at least 1
     * @return this builder
     */
    public SwivelClientBuilder maxAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: >= 1)");
        }
        this.maxAttempts = maxAttempts;
        return this;
    }

    /**
     * How often an idle connection is pinged (default 2 s); a server that answers nothing
     * for three intervals is taken for dead and its connection closed.
     *
     * @param heartbeat a positive duration
     * @return this builder
     */
    public SwivelClientBuilder heartbeat(Duration heartbeat) {
        this.heartbeat = positive(heartbeat, "heartbeat");
        return this;
    }

    /**
     * How many calls may wait on one connection, sent or not yet sent (default 1,000: below the
     * server's default {@code --max-in-flight-per-connection} of 1,024, so a server never stops
     * reading this client's connection, heartbeats included, for too many calls). One more fails at
     * once, without being sent, and is retried on another server when there is one.
     *
     * @param maxInFlightPerConnection at least 1
     * @return this builder
     */
    public SwivelClientBuilder maxInFlightPerConnection(int maxInFlightPerConnection) {
        if (maxInFlightPerConnection < 1) {
            throw new IllegalArgumentException("maxInFlightPerConnection: " + maxInFlightPerConnection
                    + " (expected: >= 1)");
        }
        this.maxInFlightPerConnection = maxInFlightPerConnection;
        return this;
    }

    /**
     * The bytes of requests queued on one connection before new calls stop being written to it
     * (default 1 MiB; they are written again below half of it). A call that cannot be written
     * waits, within its deadline, and fails with {@code DEADLINE_EXCEEDED} saying it could not be
     * sent if the server does not read.
     *
     * @param bytes at least 1,024
     * @return this builder
     */
    public SwivelClientBuilder writeBufferHighWater(int bytes) {
        if (bytes < 1024) {
            throw new IllegalArgumentException("writeBufferHighWater: " + bytes + " (expected: >= 1024)");
        }
        this.writeBufferHighWater = bytes;
        return this;
    }

    /**
     * Runs an interceptor around every call of the client, blocking and asynchronous; interceptors
     * installed earlier run outside those installed later.
     *
     * @param interceptor the interceptor
     * @return this builder
     */
    public SwivelClientBuilder intercept(ClientInterceptor interceptor) {
        interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
        return this;
    }

    /**
     * Speaks TLS to every server, with these trust roots, client certificate and host name
     * check. With {@link #zookeeper}, a server registered without TLS is not used (a client told
     * to use TLS never falls back to plain TCP); without this, a server registered with TLS is
     * reached over TLS trusting the JDK's default authorities ({@link ClientTls#systemTrust()}).
     * The files are read when the client is built.
     *
     * @param tls the TLS settings
     * @return this builder
     */
    public SwivelClientBuilder tls(ClientTls tls) {
        this.tls = Objects.requireNonNull(tls, "tls");
        return this;
    }

    /**
     * The form in which request bodies are written (default {@link BodyForm#DESCRIBED}). Servers of
     * this version read both forms; a server built before the described form (2026-12-02) refuses
     * a described body that holds a class or record, with {@code BAD_REQUEST}. During a rolling
     * upgrade in which clients are upgraded before servers, give {@link BodyForm#NAME_KEYED} until
     * the last old server is gone, then remove the setting (docs/OPERATIONS.md, "Upgrading").
     * Answers are read in either form whatever this says.
     *
     * @param bodyForm the form of request bodies
     * @return this builder
     */
    public SwivelClientBuilder bodyForm(BodyForm bodyForm) {
        this.bodyForm = Objects.requireNonNull(bodyForm, "bodyForm");
        return this;
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
     * that callbacks never run on a network thread). Answers that arrive together are decoded
     * and completed one after another by one task on it; when a callback blocks (or runs for
     * over a millisecond), the answers queued behind it go to another task on it, which needs a
     * thread of its own: give an executor that can run several tasks at once.
     *
     * @param callbackExecutor the executor; the client does not shut it down
     * @return this builder
     */
    public SwivelClientBuilder callbackExecutor(Executor callbackExecutor) {
        this.callbackExecutor = Objects.requireNonNull(callbackExecutor, "callbackExecutor");
        return this;
    }

    /**
     * Builds the client. Connections open on the first call; with {@link #zookeeper}, the
     * first view of what is registered is read before this returns.
     *
     * @return the client
     * @throws IllegalStateException if neither an address nor ZooKeeper was given, or both
     * @throws io.swivel.registry.RegistryException if ZooKeeper does not answer within the connect timeout
     * @throws IllegalArgumentException if the {@link #tls} files cannot be read or do not make a TLS context
     */
    public SwivelClient build() {
        if (address == null && zookeeper == null) {
            throw new IllegalStateException("no server: call address(host, port) or zookeeper(\"host:port\")");
        }
        if (address != null && zookeeper != null) {
            throw new IllegalStateException("both address(...) and zookeeper(...) given; choose one");
        }
        return new DefaultSwivelClient(new DefaultSwivelClient.Settings(address, zookeeper, timeout, connectTimeout,
                maxFrameLength, ioThreads, callbackExecutor, balancer, maxAttempts, heartbeat, maxInFlightPerConnection,
                writeBufferHighWater, List.copyOf(interceptors), tls, bodyForm));
    }

    private static Duration positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
        return value;
    }
}
