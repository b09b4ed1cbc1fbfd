package io.swivel.bundletest;

import io.swivel.client.SwivelClient;
import io.swivel.server.SwivelServer;
import io.swivel.server.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Swivel server inside a test's JVM, on ephemeral 127.0.0.1 ports over a temporary deploy directory and
 * registering nowhere, that deploys bundle jars and hands back a client to call them.
 *
 * <pre>{@code
 * try (SwivelTestServer server = SwivelTestServer.start()) {
 *     server.deployBundleUnderTest();                 // the jar `mvn verify` just built
 *     Greeter greeter = server.proxy(Greeter.class);
 *     assertEquals("Hello, Ada", greeter.greet("Ada"));
 * }
 * }</pre>
 *
 * <p>The bundle is loaded from its jar in a classloader of its own, exactly as {@code swivel serve} loads it, even
 * though its classes are also on the test's class path: the test talks to it over a real socket.
 */
public final class SwivelTestServer implements AutoCloseable {

    /** The system property that names the bundle jar under test; {@code swivel-bundle-parent} sets it for *IT tests. */
    public static final String BUNDLE_JAR_PROPERTY = "swivel.bundle.jar";

    private static final Logger log = LoggerFactory.getLogger(SwivelTestServer.class);

    private final Path root;
    private final boolean ownsRoot;
    private final Duration deployTimeout;
    private final SwivelServer server;
    private final SwivelClient client;

    private SwivelTestServer(Path root, boolean ownsRoot, Duration deployTimeout, SwivelServer server) {
        this.root = root;
        this.ownsRoot = ownsRoot;
        this.deployTimeout = deployTimeout;
        this.server = server;
        this.client = SwivelClient.builder().address(server.rpcAddress().getHostString(), server.rpcAddress().getPort())
                .build();
    }

    /**
     * Starts a server with the defaults: a new temporary directory (removed on {@link #close()}), deploys waiting
     * up to 30 s.
     *
     * @return the running server
     * @throws IOException if the directory cannot be made or a port cannot be bound
     * @throws InterruptedException if interrupted while starting
     */
    public static SwivelTestServer start() throws IOException, InterruptedException {
        return builder().start();
    }

    /**
     * Starts configuring a server.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Deploys the jar that the build just made: the one the system property {@value #BUNDLE_JAR_PROPERTY} names.
     *
     * @return the bundle, once it serves
     * @throws IllegalStateException if the property is not set or names no file
     * @throws BundleDeployException if the bundle does not serve
     * @throws IOException if the jar cannot be copied
     * @throws InterruptedException if interrupted while waiting
     */
    public DeployedBundle deployBundleUnderTest() throws IOException, InterruptedException {
        String jar = System.getProperty(BUNDLE_JAR_PROPERTY);
        if (jar == null || jar.isBlank()) {
            throw new IllegalStateException(BUNDLE_JAR_PROPERTY + " is not set: run the test as an *IT test with "
                    + "`mvn verify` in a project whose parent is io.swivel:swivel-bundle-parent, or call deploy(jar)");
        }
        Path path = Path.of(jar);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(BUNDLE_JAR_PROPERTY + "=" + jar + " is not a file: run `mvn verify`, "
                    + "which packages the bundle before the *IT tests run");
        }
        return deploy(path);
    }

    /**
     * Deploys a jar under its own file name: copies it into the deploy directory the way a careful operator does
     * (a hidden temporary file, then an atomic rename) and waits until it serves. A jar of the same file name is
     * replaced, as with {@code swivel serve}: the new version is swapped in.
     *
     * @param jar the bundle jar
     * @return the bundle, once it serves
     * @throws BundleDeployException if the bundle fails to start, is rolled back or is not handled in time
     * @throws IOException if the jar cannot be read or copied
     * @throws InterruptedException if interrupted while waiting
     */
    public DeployedBundle deploy(Path jar) throws IOException, InterruptedException {
        Objects.requireNonNull(jar, "jar");
        return deploy(jar, jar.getFileName().toString());
    }

    /**
     * Deploys a jar under a given file name in the deploy directory and waits until it serves.
     *
     * @param jar the bundle jar
     * @param fileName its name in the deploy directory, ending in {@code .jar}
     * @return the bundle, once it serves
     * @throws BundleDeployException if the bundle fails to start, is rolled back or is not handled in time
     * @throws IOException if the jar cannot be read or copied
     * @throws InterruptedException if interrupted while waiting
     */
    public DeployedBundle deploy(Path jar, String fileName) throws IOException, InterruptedException {
        Objects.requireNonNull(jar, "jar");
        Objects.requireNonNull(fileName, "fileName");
        if (!fileName.endsWith(".jar") || fileName.startsWith(".") || fileName.contains("/")) {
            throw new IllegalArgumentException("fileName: " + fileName + " (expected: NAME.jar, not hidden)");
        }
        Path target = deployDir().resolve(fileName);
        long started = System.nanoTime();
        try (MarkerWatch watch = MarkerWatch.before(target, Sha256.of(jar))) {
            Path temp = deployDir().resolve("." + fileName + ".tmp");
            Files.copy(jar, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            DeployedBundle deployed = watch.await(deployTimeout);
            log.info("{} {} serves from {} ({} ms after the copy started)", deployed.name(), deployed.version(),
                    fileName, Duration.ofNanos(System.nanoTime() - started).toMillis());
            return deployed;
        }
    }

    /**
     * The client connected to this server; closed with it.
     *
     * @return the client
     */
    public SwivelClient client() {
        return client;
    }

    /**
     * A typed proxy of a service this server serves, as {@code client().proxy(serviceInterface)}.
     *
     * @param serviceInterface the service interface
     * @param <T> its type
     * @return the proxy
     */
    public <T> T proxy(Class<T> serviceInterface) {
        return client.proxy(serviceInterface);
    }

    /** @return the server itself: its addresses, configuration and status */
    public SwivelServer server() {
        return server;
    }

    /** @return the watched deploy directory */
    public Path deployDir() {
        return server.config().deployDir();
    }

    /** @return the bound {@code swivel/1} port */
    public int port() {
        return server.rpcAddress().getPort();
    }

    /** @return the bound admin HTTP port */
    public int adminPort() {
        return server.adminAddress().getPort();
    }

    /** @return the admin token, as {@code swivel status --token} and {@code Authorization: Bearer} take it */
    public String adminToken() {
        try {
            return Files.readString(server.config().dataDir().resolve("admin.token")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the admin token in " + server.config().dataDir(), e);
        }
    }

    /**
     * Closes the client, stops the server (draining and unloading every bundle) and removes the temporary directory
     * the server was started in. Idempotent.
     */
    @Override
    public void close() {
        try {
            client.close();
        } finally {
            server.close();
            if (ownsRoot) {
                deleteTree(root);
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the test server's directory " + dir, e);
        }
    }

    /** Configures a {@link SwivelTestServer} before it starts. */
    public static final class Builder {

        private Path root;
        private Duration deployTimeout = Duration.ofSeconds(30);
        private Consumer<ServerConfig.Builder> changes = c -> { };

        private Builder() {
        }

        /**
         * Keeps the server's directories ({@code deploy/}, {@code data/}) under a directory of the test's, such as
         * a JUnit {@code @TempDir}, instead of a new temporary one; it is left in place on close.
         *
         * @param dir the directory
         * @return this builder
         */
        public Builder root(Path dir) {
            this.root = Objects.requireNonNull(dir, "dir");
            return this;
        }

        /**
         * How long {@link #deploy(Path)} waits for a jar to serve.
         *
         * @param timeout the limit, positive
         * @return this builder
         */
        public Builder deployTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("deployTimeout: " + timeout + " (expected: > 0)");
            }
            this.deployTimeout = timeout;
            return this;
        }

        /**
         * Changes the server's configuration further (probation, limits, step timeout, ...); the ports, the
         * directories and ZooKeeper are set before these changes run.
         *
         * @param configChanges sets fields of the configuration
         * @return this builder
         */
        public Builder configure(Consumer<ServerConfig.Builder> configChanges) {
            Objects.requireNonNull(configChanges, "configChanges");
            this.changes = this.changes.andThen(configChanges);
            return this;
        }

        /**
         * Starts the server: it listens once this returns.
         *
         * @return the running server
         * @throws IOException if the directory cannot be made or a port cannot be bound
         * @throws InterruptedException if interrupted while starting
         */
        public SwivelTestServer start() throws IOException, InterruptedException {
            boolean owns = root == null;
            Path dir = owns ? Files.createTempDirectory("swivel-test-") : root;
            try {
                Path deploy = Files.createDirectories(dir.resolve("deploy"));
                ServerConfig config = ServerConfig.defaults().with(c -> {
                    c.deployDir = deploy;
                    c.dataDir = dir.resolve("data");
                    c.bind = "127.0.0.1";
                    c.port = 0;
                    c.adminPort = 0;
                    c.zookeeper = ServerConfig.NO_ZOOKEEPER;
                    changes.accept(c);
                });
                SwivelServer server = SwivelServer.start(config);
                try {
                    return new SwivelTestServer(dir, owns, deployTimeout, server);
                } catch (RuntimeException e) {
                    server.close();
                    throw e;
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                if (owns) {
                    try {
                        deleteTree(dir);
                    } catch (UncheckedIOException cleanup) {
                        e.addSuppressed(cleanup);
                    }
                }
                throw e;
            }
        }
    }
}
