package io.swivel.server.cli;

import io.swivel.protocol.kryo.BodyForm;
import io.swivel.server.SwivelServer;
import io.swivel.server.config.Announce;
import io.swivel.server.config.CanaryPolicy;
import io.swivel.server.config.ServerConfig;
import io.swivel.server.config.Tls;
import io.swivel.server.config.Tracing;
import io.swivel.server.internal.health.UncaughtErrors;
import io.swivel.server.internal.Threads;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code swivel serve}: run the server until SIGTERM or Ctrl-C. */
@Command(name = "serve", description = "Run the server: deploy the jars of the deploy directory and serve them.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--deploy-dir", description = "Watched directory of bundle jars (default: ${DEFAULT-VALUE}).")
    Path deployDir;

    @Option(names = "--data-dir", description = "State, history and admin token (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--port", description = "swivel/1 port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--admin-port", description = "Admin HTTP port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--bind", description = "Address both ports bind (default: ${DEFAULT-VALUE}, loopback only).")
    String bind;

    @Option(names = "--advertise-address", paramLabel = "HOST[:PORT]", converter = AdvertiseAddress.Converter.class,
            description = "The address registered in ZooKeeper, which clients dial and cluster commands name this server by, "
                    + "when it is not the bound one (Docker, NAT, several interfaces); a port left out is --port. "
                    + "Default: the bound address; with --bind 0.0.0.0 the first IPv4 address of an interface that is up.")
    AdvertiseAddress advertiseAddress;

    @Option(names = "--drain-timeout", converter = DurationConverter.class,
            description = "How long a replaced version may finish its running calls; the rest are answered RELOADING (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--step-timeout", converter = DurationConverter.class,
            description = "Limit of each start-up step of a bundle version (load, instantiate, start, health check) (default: ${DEFAULT-VALUE}).")
    Duration stepTimeout;

    @Option(names = "--stalled-after", converter = DurationConverter.class,
            description = "How long a jar whose zip directory does not read may stay unchanged before it is marked .failed (default: ${DEFAULT-VALUE}).")
    Duration stalledAfter;

    @Option(names = "--probation", converter = DurationConverter.class,
            description = "How long the replaced version stays standby while the new one is watched; 0s turns automatic rollback off (default: ${DEFAULT-VALUE}).")
    Duration probation;

    @Option(names = "--probation-error-rate",
            description = "Share of unexpected call failures (after 20 calls) that rolls a new version back during probation (default: ${DEFAULT-VALUE}).")
    double probationErrorRate;

    @Option(names = "--canary-error-rate-slack",
            description = "How much higher than the stable version's a canary's error rate may be at an analysis (0.01 is one point; default: ${DEFAULT-VALUE}).")
    double canaryErrorRateSlack;

    @Option(names = "--canary-p99-factor",
            description = "How many times the stable version's p99 latency a canary's may be at an analysis (default: ${DEFAULT-VALUE}).")
    double canaryP99Factor;

    @Option(names = "--canary-min-calls",
            description = "Calls a canary must finish in a step before it is judged; with fewer the step is held (default: ${DEFAULT-VALUE}).")
    long canaryMinCalls;

    @Option(names = "--canary-p99-floor", converter = DurationConverter.class,
            description = "A canary p99 at or below this is within budget whatever the stable one is (default: ${DEFAULT-VALUE}).")
    Duration canaryP99Floor;

    @Option(names = "--history-limit",
            description = "Versions of each bundle kept in <data-dir>/history for rollback (default: ${DEFAULT-VALUE}).")
    int historyLimit;

    @Option(names = "--zookeeper", paramLabel = "embedded|none|HOST:PORT,...",
            description = "Where services are registered: 'embedded' (an in-process ZooKeeper), an existing ensemble, or 'none' (default: ${DEFAULT-VALUE}).")
    String zookeeper;

    @Option(names = "--embedded-zk-port",
            description = "Client port of the embedded ZooKeeper on 127.0.0.1, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int embeddedZkPort;

    @Option(names = "--zk-session-timeout", converter = DurationConverter.class,
            description = "ZooKeeper session timeout: how long a server that stopped answering stays listed (default: ${DEFAULT-VALUE}).")
    Duration zkSessionTimeout;

    // --- TLS on swivel/1 and the admin API (see Tls and docs/OPERATIONS.md, "TLS") ---

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "PEM certificate chain of this server (its own first): swivel/1 speaks TLS; needs --tls-key. Re-read when it changes.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "PEM private key (PKCS#8, unencrypted) of --tls-cert. Re-read when it changes.")
    Path tlsKey;

    @Option(names = "--tls-client-ca", paramLabel = "FILE",
            description = "PEM trust roots: clients must present a certificate signed by one (mutual TLS); others are refused during the handshake.")
    Path tlsClientCa;

    @Option(names = "--tls-provider", paramLabel = "auto|openssl|jdk",
            description = "TLS implementation: OpenSSL (netty-tcnative BoringSSL) where it loads, else the JDK's (default: ${DEFAULT-VALUE}).")
    String tlsProvider;

    @Option(names = "--tls-reload-interval", converter = DurationConverter.class,
            description = "How often the TLS files are checked; a changed certificate serves new connections, open ones keep theirs (default: ${DEFAULT-VALUE}).")
    Duration tlsReloadInterval;

    @Option(names = "--admin-tls", paramLabel = "true|false", arity = "1",
            description = "With --tls-cert, the admin API serves HTTPS with the same certificate (no client certificate asked) (default: ${DEFAULT-VALUE}).")
    boolean adminTls;

    // --- Limits: what one connection, request or bundle may consume (see Limits) ---

    @Option(names = "--weight",
            description = "Balancing weight registered for every service of this server, 1..10000: a server twice as big takes 200 (default: ${DEFAULT-VALUE}).")
    int weight;

    @Option(names = "--bundle-weights", paramLabel = "NAME=N,...",
            description = "Weights that replace --weight for the services of some bundles, e.g. greeter=300,billing=50 (default: none).")
    String bundleWeights;

    @Option(names = "--warmup", converter = DurationConverter.class,
            description = "After this server joins or a version becomes active, its weight ramps from 5% to full over this window; 0s for none (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--follow-cluster", paramLabel = "auto|true|false",
            description = "Converge to the desired version of each bundle kept in ZooKeeper (/swivel/desired), at start and "
                    + "whenever it changes; auto: on with an external --zookeeper ensemble, off with embedded or none (default: ${DEFAULT-VALUE}).")
    String followCluster;

    @Option(names = "--maven-repository", paramLabel = "URL",
            description = "The repository (file:, http: or https:, Maven layout) in which a desired version's "
                    + "maven:GROUP:ARTIFACT:VERSION source resolves; empty for none (default: none).")
    String mavenRepository;

    @Option(names = "--max-connections",
            description = "Open swivel/1 connections beyond which a new one gets GOAWAY and is closed (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-connections-per-address",
            description = "Open swivel/1 connections from one remote address beyond which a new one gets GOAWAY (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerAddress;

    @Option(names = "--max-in-flight-per-connection",
            description = "Requests of one connection running or queued; beyond it the connection is not read until some finish, nothing is dropped (default: ${DEFAULT-VALUE}).")
    int maxInFlightPerConnection;

    @Option(names = "--write-buffer-limit", converter = SizeConverter.class,
            description = "Answers queued for one connection that does not read them before it stops being read; read again below half (default: ${DEFAULT-VALUE}).")
    long writeBufferLimit;

    @Option(names = "--idle-timeout", converter = DurationConverter.class,
            description = "A connection that sends no frame for this long is closed with GOAWAY; clients' heartbeats keep healthy ones open (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--frame-timeout", converter = DurationConverter.class,
            description = "A frame that has started must arrive complete within this time, or its connection is closed with GOAWAY (default: ${DEFAULT-VALUE}).")
    Duration frameTimeout;

    @Option(names = "--max-partial-frame-memory", converter = SizeConverter.class,
            description = "Memory held for incomplete frames of all connections together; past it the connection adding more gets GOAWAY (default: ${DEFAULT-VALUE}).")
    long maxPartialFrameMemory;

    @Option(names = "--max-decode-objects",
            description = "Objects and collection elements one request body may decode into; a body past it is answered BAD_REQUEST (default: ${DEFAULT-VALUE}).")
    int maxDecodeObjects;

    @Option(names = "--max-metadata-entries",
            description = "Metadata entries one call may carry; a call with more is answered BAD_REQUEST (default: ${DEFAULT-VALUE}).")
    int maxMetadataEntries;

    @Option(names = "--max-metadata-bytes",
            description = "Bytes of metadata (keys, values and their 2-byte lengths) one call may carry; past it the call is answered BAD_REQUEST (default: ${DEFAULT-VALUE}).")
    int maxMetadataBytes;

    @Option(names = "--admin-max-connections",
            description = "Open admin HTTP connections beyond which a new one is refused (default: ${DEFAULT-VALUE}).")
    int adminMaxConnections;

    @Option(names = "--admin-max-calls",
            description = "POST /v1/call requests running at once; more are answered 503 (default: ${DEFAULT-VALUE}).")
    int adminMaxCalls;

    @Option(names = "--admin-read-timeout", converter = DurationConverter.class,
            description = "How long an admin request's header and body may take to arrive (default: ${DEFAULT-VALUE}).")
    Duration adminReadTimeout;

    @Option(names = "--max-upload-size", converter = SizeConverter.class,
            description = "Largest jar POST /v1/bundles (swivel deploy) accepts; a larger one is answered 413 (default: ${DEFAULT-VALUE}).")
    long maxUploadSize;

    @Option(names = "--upload-timeout", converter = DurationConverter.class,
            description = "How long one upload's body may take to arrive; a slower one is answered 408 (default: ${DEFAULT-VALUE}).")
    Duration uploadTimeout;

    @Option(names = "--admin-max-transfers",
            description = "Uploads and jar downloads of the admin API running at once; one more is answered 503 (default: ${DEFAULT-VALUE}).")
    int adminMaxTransfers;

    @Option(names = "--admin-max-body-size", converter = SizeConverter.class,
            description = "Largest request body of the other admin routes (POST /v1/call, ...); a larger one is answered 413 (default: ${DEFAULT-VALUE}).")
    long adminMaxBodySize;

    @Option(names = "--event-log-size",
            description = "Events kept in memory for GET /v1/events, the admin page and swivel status; the oldest go first (default: ${DEFAULT-VALUE}).")
    int eventLogSize;

    @Option(names = "--call-batch",
            description = "Most quick calls of one connection's read handed to a bundle's workers as one task; 1 hands every call off alone (default: ${DEFAULT-VALUE}).")
    int callBatch;

    @Option(names = "--max-lib-bytes", converter = SizeConverter.class,
            description = "Total size the nested lib/*.jar of one bundle may extract to; a jar past it is .failed (default: ${DEFAULT-VALUE}).")
    long maxLibBytes;

    @Option(names = "--max-lib-ratio",
            description = "Largest compression ratio (inflated : stored) of a nested library; a jar past it is .failed (default: ${DEFAULT-VALUE}).")
    int maxLibRatio;

    @Option(names = "--deregister-timeout", converter = DurationConverter.class,
            description = "How long shutdown waits for ZooKeeper to drop the registrations; it never delays the GOAWAY and the drain (default: ${DEFAULT-VALUE}).")
    Duration deregisterTimeout;

    @Option(names = "--body-form", paramLabel = "described|name-keyed",
            description = "Form of the bodies this server writes; name-keyed while clients built before the described form call it (default: ${DEFAULT-VALUE}).")
    String bodyForm;

    @Option(names = "--otlp-endpoint", paramLabel = "URL",
            description = "Trace every call with OpenTelemetry and export the spans over OTLP to this endpoint, e.g. "
                    + "http://127.0.0.1:4318 (default: off, unless the standard OTEL_* variables ask for traces).")
    String otlpEndpoint;

    @Mixin
    ConfigOption config;

    @Option(names = "--with-samples", description = "Copy the sample greeter v1 bundle into the deploy directory first (as " + SampleJar.NAME + ").")
    boolean withSamples;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (withSamples) {
            SampleJar.copyInto(deployDir, out);
        }
        ServerConfig config = serverConfig();
        if (spec.commandLine().getDefaultValueProvider() instanceof LayeredDefaults defaults) {
            out.println("Swivel " + defaults.describe(SwivelMain.settingNames(spec.root().commandLine())));
        }
        SwivelServer server;
        try {
            server = SwivelServer.start(config);
        } catch (java.net.BindException e) {
            throw new CliException("cannot listen on " + bind + " port " + port + " or " + adminPort + " (" + e.getMessage()
                    + "); is another server running? use --port and --admin-port", e);
        } catch (io.swivel.registry.RegistryException e) {
            throw new CliException(e.getMessage(), e);
        }
        // This process is Swivel's own: a thread that dies of an error is logged and, for an
        // OutOfMemoryError and its kind, reported in /v1/health (a server embedded elsewhere leaves the JVM's default alone).
        Thread.setDefaultUncaughtExceptionHandler(new UncaughtErrors(server.health()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Threads.daemonThread("swivel-shutdown", () -> {
            server.close();
            stopped.countDown();
        }));
        out.printf("Swivel ready: rpc=%s:%d%s admin=%s://%s:%d/ deploy-dir=%s zookeeper=%s%n",
                server.rpcAddress().getHostString(), server.rpcAddress().getPort(), config.tls().enabled()
                        ? (config.tls().mutual() ? " (mutual TLS)" : " (TLS)") : "", config.tls().adminEnabled() ? "https" : "http",
                server.adminAddress().getHostString(), server.adminAddress().getPort(),
                deployDir.toAbsolutePath().normalize(), server.zookeeper().orElse("none"));
        out.flush();
        stopped.await();
        return 0;
    }

    /**
     * The server configuration these options describe.
     *
     * @return the configuration
     * @throws CliException if a value is out of range
     */
    ServerConfig serverConfig() {
        try {
            return ServerConfig.defaults().withDeployDir(deployDir).withDataDir(dataDir).withBind(bind)
                    .withPorts(port, adminPort).with(c -> {
                        c.drainTimeout = drainTimeout;
                        c.stepTimeout = stepTimeout;
                        c.stalledAfter = stalledAfter;
                        c.probation = probation;
                        c.probationErrorRate = probationErrorRate;
                        c.canary = new CanaryPolicy(canaryErrorRateSlack, canaryP99Factor, canaryMinCalls, canaryP99Floor);
                        c.historyLimit = historyLimit;
                        c.zookeeper = zookeeper;
                        c.tracing = new Tracing(otlpEndpoint);
                        c.embeddedZkPort = embeddedZkPort;
                        c.zkSessionTimeout = zkSessionTimeout;
                        c.announce = new Announce(c.announce.advertiseHost(), c.announce.advertisePort(), weight, warmup,
                                followCluster(followCluster), Announce.parseBundleWeights(bundleWeights), mavenRepository);
                        if (advertiseAddress != null) {
                            c.announce = c.announce.withAdvertiseAddress(advertiseAddress.host(), advertiseAddress.port());
                        }
                        c.tls = new Tls(tlsCert, tlsKey, tlsClientCa, tlsProvider(tlsProvider), tlsReloadInterval, adminTls);
                        c.bodyForm = bodyForm(bodyForm);
                    }).withLimits(l -> {
                        l.maxConnections = maxConnections;
                        l.maxConnectionsPerAddress = maxConnectionsPerAddress;
                        l.maxInFlightPerConnection = maxInFlightPerConnection;
                        l.writeBufferHighWater = toInt(writeBufferLimit, "--write-buffer-limit");
                        l.idleTimeout = idleTimeout;
                        l.frameTimeout = frameTimeout;
                        l.maxPartialFrameMemory = maxPartialFrameMemory;
                        l.maxDecodeObjects = maxDecodeObjects;
                        l.maxMetadataEntries = maxMetadataEntries;
                        l.maxMetadataBytes = maxMetadataBytes;
                        l.adminMaxConnections = adminMaxConnections;
                        l.adminMaxCalls = adminMaxCalls;
                        l.adminReadTimeout = adminReadTimeout;
                        l.maxLibBytes = maxLibBytes;
                        l.maxLibRatio = maxLibRatio;
                        l.deregisterTimeout = deregisterTimeout;
                        l.maxUploadBytes = maxUploadSize;
                        l.uploadTimeout = uploadTimeout;
                        l.adminMaxTransfers = adminMaxTransfers;
                        l.adminMaxBodyBytes = toInt(adminMaxBodySize, "--admin-max-body-size");
                        l.eventLogSize = eventLogSize;
                        l.callBatch = callBatch;
                    });
        } catch (IllegalArgumentException e) {
            throw new CliException("bad option: " + e.getMessage(), e);
        }
    }

    private static Boolean followCluster(String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> null;
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("--follow-cluster: " + value + " (expected: auto, true or false)");
        };
    }

    private static BodyForm bodyForm(String value) {
        try {
            return BodyForm.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--body-form: " + e.getMessage(), e);
        }
    }

    private static Tls.Provider tlsProvider(String value) {
        try {
            return Tls.Provider.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--tls-provider: " + value + " (expected: auto, openssl or jdk)", e);
        }
    }

    private static int toInt(long bytes, String option) {
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(option + ": " + bytes + " (expected: < 2GiB)");
        }
        return (int) bytes;
    }
}
