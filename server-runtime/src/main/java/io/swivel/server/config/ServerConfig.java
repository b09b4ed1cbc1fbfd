package io.swivel.server.config;

import io.swivel.protocol.Frame;
import io.swivel.protocol.kryo.BodyForm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Everything a server is told at start: where it looks for bundles, where it keeps its data,
 * where it listens, and its time limits. Start from {@link #defaults()} and change fields with
 * {@link #with(Consumer)} or the {@code with*} shortcuts.
 *
 * @param deployDir the watched directory of bundle jars
 * @param dataDir state, history, admin token
 * @param bind the address both listeners bind (loopback unless told otherwise)
 * @param port the {@code swivel/1} port, 0 for ephemeral
 * @param adminPort the admin HTTP port, 0 for ephemeral
 * @param maxFrameLength the longest frame accepted
 * @param stepTimeout the limit of each bundle start-up step
 * @param workerThreads the most threads running calls of one bundle version
 * @param queueCapacity calls (or batches of quick calls, {@link Limits#callBatch()}) waiting per bundle version
 *     before {@code OVERLOADED}
 * @param drainTimeout how long a replaced version may finish its running calls
 * @param rescanInterval how often the deploy directory is rescanned besides watching it
 * @param pendingAfter how long a jar may be incomplete before it is marked {@code .pending}
 * @param stalledAfter how long an incomplete jar may make no progress before it is {@code .failed}
 * @param historyLimit how many versions of each bundle {@code <data-dir>/history} keeps
 * @param probation how long a replaced version stays standby while its successor is watched;
 *     zero turns probation (and automatic rollback after the switch) off
 * @param probationErrorRate the share of unexpected call failures that rolls a new version back
 * @param probationMinCalls the calls a new version must have finished before its error rate counts
 * @param zookeeper {@value #EMBEDDED} for an in-process ZooKeeper, {@value #NO_ZOOKEEPER} to
 *     register nowhere, or the {@code host:port,...} of an existing ensemble
 * @param embeddedZkPort the client port of the embedded ZooKeeper, 0 for any free one
 * @param zkSessionTimeout the ZooKeeper session timeout: how long a silent server stays listed
 * @param limits the bounds on connections, buffers, timeouts, decoding, the admin API and bundle extraction
 * @param tls TLS on the RPC (and admin) port, {@link Tls#NONE} for plain TCP
 * @param announce the advertised address, weight, warm-up and cluster following
 * @param tracing OpenTelemetry tracing
 * @param canary the budget a canary keeps at every analysis
 * @param bodyForm the form of the bodies this server writes: {@link BodyForm#NAME_KEYED} while
 *     clients built before the described form call it (they refuse the described one)
 */
public record ServerConfig(Path deployDir, Path dataDir, String bind, int port, int adminPort, int maxFrameLength,
                           Duration stepTimeout, int workerThreads, int queueCapacity, Duration drainTimeout,
                           Duration rescanInterval, Duration pendingAfter, Duration stalledAfter, int historyLimit,
                           Duration probation, double probationErrorRate, long probationMinCalls, String zookeeper,
                           int embeddedZkPort, Duration zkSessionTimeout, Limits limits, Tls tls,
                           Announce announce, Tracing tracing, CanaryPolicy canary, BodyForm bodyForm) {

    /** The default {@code swivel/1} port. */
    public static final int DEFAULT_PORT = 7700;
    /** The default admin port. */
    public static final int DEFAULT_ADMIN_PORT = 7701;
    /** The {@code --zookeeper} value that starts an in-process ZooKeeper. */
    public static final String EMBEDDED = "embedded";
    /** The {@code --zookeeper} value that registers nowhere. */
    public static final String NO_ZOOKEEPER = "none";
    /** The default port of the embedded ZooKeeper. */
    public static final int DEFAULT_EMBEDDED_ZK_PORT = 2181;
    /** The default address both listeners bind: loopback. */
    public static final String DEFAULT_BIND = "127.0.0.1";
    /** The default data directory (state, history, admin token). */
    public static final String DEFAULT_DATA_DIR = ".swivel";
    /** Where the commands that read ZooKeeper look by default: the embedded ZooKeeper of a server on this machine. */
    public static final String DEFAULT_ZOOKEEPER_CONNECT = DEFAULT_BIND + ":" + DEFAULT_EMBEDDED_ZK_PORT;

    /**
     * Validates a configuration.
     *
     * @param deployDir the deploy directory
     * @param dataDir the data directory
     * @param bind the bind address
     * @param port the RPC port
     * @param adminPort the admin port
     * @param maxFrameLength the frame limit
     * @param stepTimeout the start-up step limit
     * @param workerThreads threads per bundle version
     * @param queueCapacity queue per bundle version
     * @param drainTimeout the drain limit
     * @param rescanInterval the rescan period
     * @param pendingAfter when an incomplete jar is marked pending
     * @param stalledAfter when an incomplete jar fails
     * @param historyLimit versions kept per bundle
     * @param probation the probation window
     * @param probationErrorRate the error rate that fails probation
     * @param probationMinCalls calls before the error rate counts
     * @param zookeeper embedded, none, or an ensemble
     * @param embeddedZkPort the embedded ZooKeeper's port
     * @param zkSessionTimeout the session timeout
     * @param limits the bounds
     * @param tls TLS settings
     * @param announce how the server presents itself to the cluster
     * @param tracing tracing settings
     * @param canary the canary budget
     * @param bodyForm the form of written bodies
     */
    public ServerConfig {
        Objects.requireNonNull(deployDir, "deployDir");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(bind, "bind");
        checkPort(port, "port");
        checkPort(adminPort, "adminPort");
        if (maxFrameLength < 1024) {
            throw new IllegalArgumentException("maxFrameLength: " + maxFrameLength + " (expected: >= 1024)");
        }
        if (workerThreads < 1) {
            throw new IllegalArgumentException("workerThreads: " + workerThreads + " (expected: >= 1)");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: >= 1)");
        }
        checkPositive(stepTimeout, "stepTimeout");
        checkPositive(drainTimeout, "drainTimeout");
        checkPositive(rescanInterval, "rescanInterval");
        checkPositive(pendingAfter, "pendingAfter");
        checkPositive(stalledAfter, "stalledAfter");
        if (historyLimit < 1) {
            throw new IllegalArgumentException("historyLimit: " + historyLimit + " (expected: >= 1)");
        }
        Objects.requireNonNull(probation, "probation");
        if (probation.isNegative()) {
            throw new IllegalArgumentException("probation: " + probation + " (expected: >= 0)");
        }
        if (!(probationErrorRate >= 0 && probationErrorRate <= 1)) {
            throw new IllegalArgumentException("probationErrorRate: " + probationErrorRate + " (expected: 0..1)");
        }
        if (probationMinCalls < 1) {
            throw new IllegalArgumentException("probationMinCalls: " + probationMinCalls + " (expected: >= 1)");
        }
        Objects.requireNonNull(zookeeper, "zookeeper");
        if (zookeeper.isBlank()) {
            throw new IllegalArgumentException("zookeeper: empty (expected: embedded, none or HOST:PORT,...)");
        }
        checkPort(embeddedZkPort, "embeddedZkPort");
        checkPositive(zkSessionTimeout, "zkSessionTimeout");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(announce, "announce");
        Objects.requireNonNull(tracing, "tracing");
        Objects.requireNonNull(canary, "canary");
        Objects.requireNonNull(bodyForm, "bodyForm");
    }

    /**
     * The defaults of {@code swivel serve}.
     *
     * @return ./deploy-dir, ./.swivel, 127.0.0.1, ports 7700 and 7701, drain 30 s, history 5,
     *     probation 30 s failing above 50% errors after 20 calls, {@link Limits#defaults()}
     */
    public static ServerConfig defaults() {
        return new ServerConfig(Path.of("deploy-dir"), Path.of(DEFAULT_DATA_DIR), DEFAULT_BIND, DEFAULT_PORT,
                DEFAULT_ADMIN_PORT, Frame.DEFAULT_MAX_FRAME_LENGTH, Duration.ofSeconds(10), 64, 4096,
                Duration.ofSeconds(30), Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(60), 5,
                Duration.ofSeconds(30), 0.5, 20, EMBEDDED, DEFAULT_EMBEDDED_ZK_PORT, Duration.ofSeconds(15),
                Limits.defaults(), Tls.NONE, Announce.defaults(), Tracing.OFF, CanaryPolicy.defaults(),
                BodyForm.DESCRIBED);
    }

    /**
     * A copy with some fields changed.
     *
     * @param changes sets fields on a builder that starts as this configuration
     * @return the changed copy
     */
    public ServerConfig with(Consumer<Builder> changes) {
        Builder builder = new Builder(this);
        changes.accept(builder);
        return builder.build();
    }

    /**
     * @param dir the deploy directory
     * @return a copy with it
     */
    public ServerConfig withDeployDir(Path dir) {
        return with(b -> b.deployDir = dir);
    }

    /**
     * @param dir the data directory
     * @return a copy with it
     */
    public ServerConfig withDataDir(Path dir) {
        return with(b -> b.dataDir = dir);
    }

    /**
     * @param address the bind address
     * @return a copy with it
     */
    public ServerConfig withBind(String address) {
        return with(b -> b.bind = address);
    }

    /**
     * @param rpcPort the RPC port
     * @param admin the admin port
     * @return a copy with them
     */
    public ServerConfig withPorts(int rpcPort, int admin) {
        return with(b -> {
            b.port = rpcPort;
            b.adminPort = admin;
        });
    }

    /**
     * @param length the frame limit
     * @return a copy with it
     */
    public ServerConfig withMaxFrameLength(int length) {
        return with(b -> b.maxFrameLength = length);
    }

    /**
     * @param timeout the start-up step limit
     * @return a copy with it
     */
    public ServerConfig withStepTimeout(Duration timeout) {
        return with(b -> b.stepTimeout = timeout);
    }

    /**
     * @param changes sets fields on a builder that starts as the present limits
     * @return a copy with the limits changed
     */
    public ServerConfig withLimits(Consumer<Limits.Builder> changes) {
        return with(b -> b.limits = b.limits.with(changes));
    }

    /** The mutable form of a {@link ServerConfig}, used by {@link #with(Consumer)}. */
    public static final class Builder {
        /** See {@link ServerConfig#deployDir()}. */
        public Path deployDir;
        /** See {@link ServerConfig#dataDir()}. */
        public Path dataDir;
        /** See {@link ServerConfig#bind()}. */
        public String bind;
        /** See {@link ServerConfig#port()}. */
        public int port;
        /** See {@link ServerConfig#adminPort()}. */
        public int adminPort;
        /** See {@link ServerConfig#maxFrameLength()}. */
        public int maxFrameLength;
        /** See {@link ServerConfig#stepTimeout()}. */
        public Duration stepTimeout;
        /** See {@link ServerConfig#workerThreads()}. */
        public int workerThreads;
        /** See {@link ServerConfig#queueCapacity()}. */
        public int queueCapacity;
        /** See {@link ServerConfig#drainTimeout()}. */
        public Duration drainTimeout;
        /** See {@link ServerConfig#rescanInterval()}. */
        public Duration rescanInterval;
        /** See {@link ServerConfig#pendingAfter()}. */
        public Duration pendingAfter;
        /** See {@link ServerConfig#stalledAfter()}. */
        public Duration stalledAfter;
        /** See {@link ServerConfig#historyLimit()}. */
        public int historyLimit;
        /** See {@link ServerConfig#probation()}. */
        public Duration probation;
        /** See {@link ServerConfig#probationErrorRate()}. */
        public double probationErrorRate;
        /** See {@link ServerConfig#probationMinCalls()}. */
        public long probationMinCalls;
        /** See {@link ServerConfig#zookeeper()}. */
        public String zookeeper;
        /** See {@link ServerConfig#embeddedZkPort()}. */
        public int embeddedZkPort;
        /** See {@link ServerConfig#zkSessionTimeout()}. */
        public Duration zkSessionTimeout;
        /** See {@link ServerConfig#limits()}. */
        public Limits limits;
        /** See {@link ServerConfig#tls()}. */
        public Tls tls;
        /** See {@link ServerConfig#announce()}. */
        public Announce announce;
        /** See {@link ServerConfig#tracing()}. */
        public Tracing tracing;
        /** See {@link ServerConfig#canary()}. */
        public CanaryPolicy canary;
        /** See {@link ServerConfig#bodyForm()}. */
        public BodyForm bodyForm;

        private Builder(ServerConfig from) {
            deployDir = from.deployDir;
            dataDir = from.dataDir;
            bind = from.bind;
            port = from.port;
            adminPort = from.adminPort;
            maxFrameLength = from.maxFrameLength;
            stepTimeout = from.stepTimeout;
            workerThreads = from.workerThreads;
            queueCapacity = from.queueCapacity;
            drainTimeout = from.drainTimeout;
            rescanInterval = from.rescanInterval;
            pendingAfter = from.pendingAfter;
            stalledAfter = from.stalledAfter;
            historyLimit = from.historyLimit;
            probation = from.probation;
            probationErrorRate = from.probationErrorRate;
            probationMinCalls = from.probationMinCalls;
            zookeeper = from.zookeeper;
            embeddedZkPort = from.embeddedZkPort;
            zkSessionTimeout = from.zkSessionTimeout;
            limits = from.limits;
            tls = from.tls;
            announce = from.announce;
            tracing = from.tracing;
            canary = from.canary;
            bodyForm = from.bodyForm;
        }

        private ServerConfig build() {
            return new ServerConfig(deployDir, dataDir, bind, port, adminPort, maxFrameLength, stepTimeout,
                    workerThreads, queueCapacity, drainTimeout, rescanInterval, pendingAfter, stalledAfter, historyLimit,
                    probation, probationErrorRate, probationMinCalls, zookeeper, embeddedZkPort, zkSessionTimeout, limits,
                    tls, announce, tracing, canary, bodyForm);
        }
    }

    private static void checkPort(int port, String name) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + ": " + port + " (expected: 0..65535)");
        }
    }

    private static void checkPositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }
}
