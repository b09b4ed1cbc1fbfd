package io.swivel.server.cli;

import io.swivel.server.SwivelServer;
import io.swivel.server.config.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

    /** The jar name the sample greeter is deployed as. */
    static final String SAMPLE_JAR = "greeter.jar";

    @Option(names = "--deploy-dir", defaultValue = "deploy-dir", description = "Watched directory of bundle jars (default: ${DEFAULT-VALUE}).")
    Path deployDir;

    @Option(names = "--data-dir", defaultValue = ".swivel", description = "State, history and admin token (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--port", defaultValue = "" + ServerConfig.DEFAULT_PORT, description = "swivel/1 port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--admin-port", defaultValue = "" + ServerConfig.DEFAULT_ADMIN_PORT, description = "Admin HTTP port, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address both ports bind (default: ${DEFAULT-VALUE}, loopback only).")
    String bind;

    @Option(names = "--drain-timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long a replaced version may finish its running calls; the rest are answered RELOADING (default: ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--step-timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "Limit of each start-up step of a bundle version (load, instantiate, start, health check) (default: ${DEFAULT-VALUE}).")
    Duration stepTimeout;

    @Option(names = "--stalled-after", defaultValue = "60s", converter = DurationConverter.class,
            description = "How long a jar whose zip directory does not read may stay unchanged before it is marked .failed (default: ${DEFAULT-VALUE}).")
    Duration stalledAfter;

    @Option(names = "--probation", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long the replaced version stays standby while the new one is watched; 0s turns automatic rollback off (default: ${DEFAULT-VALUE}).")
    Duration probation;

    @Option(names = "--probation-error-rate", defaultValue = "0.5",
            description = "Share of unexpected call failures (after 20 calls) that rolls a new version back during probation (default: ${DEFAULT-VALUE}).")
    double probationErrorRate;

    @Option(names = "--history-limit", defaultValue = "5",
            description = "Versions of each bundle kept in <data-dir>/history for rollback (default: ${DEFAULT-VALUE}).")
    int historyLimit;

    @Option(names = "--zookeeper", defaultValue = ServerConfig.EMBEDDED, paramLabel = "embedded|none|HOST:PORT,...",
            description = "Where services are registered: 'embedded' (an in-process ZooKeeper), an existing ensemble, or 'none' (default: ${DEFAULT-VALUE}).")
    String zookeeper;

    @Option(names = "--embedded-zk-port", defaultValue = "" + ServerConfig.DEFAULT_EMBEDDED_ZK_PORT,
            description = "Client port of the embedded ZooKeeper on 127.0.0.1, 0 for any free one (default: ${DEFAULT-VALUE}).")
    int embeddedZkPort;

    @Option(names = "--zk-session-timeout", defaultValue = "15s", converter = DurationConverter.class,
            description = "ZooKeeper session timeout: how long a server that stopped answering stays listed (default: ${DEFAULT-VALUE}).")
    Duration zkSessionTimeout;

    @Mixin
    ConfigOption config;

    @Option(names = "--with-samples", description = "Copy the sample greeter v1 bundle into the deploy directory first (as " + SAMPLE_JAR + ").")
    boolean withSamples;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (withSamples) {
            copySample(out);
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
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "swivel-shutdown"));
        out.printf("Swivel ready: rpc=%s:%d admin=http://%s:%d/ deploy-dir=%s zookeeper=%s%n",
                server.rpcAddress().getHostString(), server.rpcAddress().getPort(),
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
                        c.historyLimit = historyLimit;
                        c.zookeeper = zookeeper;
                        c.embeddedZkPort = embeddedZkPort;
                        c.zkSessionTimeout = zkSessionTimeout;
                    });
        } catch (IllegalArgumentException e) {
            throw new CliException("bad option: " + e.getMessage(), e);
        }
    }

    private void copySample(PrintWriter out) throws IOException {
        Path target = deployDir.resolve(SAMPLE_JAR);
        if (Files.exists(target)) {
            out.println("Sample: " + target + " already exists; left as it is");
            return;
        }
        Path sample = findSampleJar();
        Files.createDirectories(deployDir);
        Path temp = deployDir.resolve("." + SAMPLE_JAR + ".tmp");
        Files.copy(sample, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        out.println("Sample: copied " + sample + " to " + target);
    }

    /** The sample jar: in a source checkout under samples/greeter-v1/target, in a distribution under samples/. */
    private static Path findSampleJar() throws IOException {
        Path home = Path.of(System.getProperty("swivel.home", "."));
        Path built = home.resolve("samples/greeter-v1/target");
        for (Path dir : new Path[] {built, home.resolve("samples")}) {
            if (Files.isDirectory(dir)) {
                try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "greeter-v1-*.jar")) {
                    for (Path jar : jars) {
                        String name = jar.getFileName().toString();
                        if (!name.endsWith("-sources.jar") && !name.endsWith("-tests.jar")) {
                            return jar;
                        }
                    }
                }
            }
        }
        throw new CliException("the sample bundle is not built: no greeter-v1 jar in " + built.toAbsolutePath().normalize()
                + "; run 'mvn -DskipTests package' in the Swivel checkout (./swivel does it on first use)");
    }
}
