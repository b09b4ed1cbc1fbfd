package io.swivel.server;

import io.swivel.client.SwivelClient;
import io.swivel.server.cli.SwivelMain;
import io.swivel.server.config.ServerConfig;
import io.swivel.server.internal.deploy.BundleView;
import io.swivel.server.internal.deploy.EventLog;
import io.swivel.server.probe.Probe;
import io.swivel.server.probe.ProbeBundles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import org.awaitility.Awaitility;

/**
 * A server on ephemeral loopback ports over a test's directories, with a client, the
 * {@code swivel} CLI pointed at it, and the careful way to replace a jar.
 */
final class LiveServer implements AutoCloseable {

    /** The result of one CLI run. */
    record Cli(int status, String out, String err) {
    }

    final Path root;
    final Path deploy;
    final SwivelServer server;
    final SwivelClient client;

    private LiveServer(Path root, SwivelServer server) {
        this.root = root;
        this.deploy = server.config().deployDir();
        this.server = server;
        this.client = SwivelClient.builder().address("127.0.0.1", server.rpcAddress().getPort()).build();
    }

    /**
     * Starts a server under {@code root} (deploy/ and data/), rescanning every 500 ms.
     *
     * @param root the test's directory
     * @param changes further configuration
     * @return the running server
     */
    static LiveServer start(Path root, Consumer<ServerConfig.Builder> changes) throws Exception {
        return start(root, changes, java.time.Clock.systemUTC());
    }

    /** Starts a server whose health and fault reports follow {@code clock}. */
    static LiveServer start(Path root, Consumer<ServerConfig.Builder> changes, java.time.Clock clock) throws Exception {
        ServerConfig config = TestBundles.config(root).with(c -> {
            c.rescanInterval = Duration.ofMillis(500);
            changes.accept(c);
        });
        return new LiveServer(root, SwivelServer.start(config, clock));
    }

    /**
     * Starts a server of {@code workers} call threads per version and a queue of
     * {@code queueCapacity}, and deploys probe 1 into it, serving when this returns.
     */
    static LiveServer withProbe(Path root, int workers, int queueCapacity) throws Exception {
        Path v1 = ProbeBundles.build(root.resolve("work"), root.resolve("work").resolve("v1.jar"),
                ProbeBundles.Options.healthy("1"));
        LiveServer live = start(root, c -> {
            c.workerThreads = workers;
            c.queueCapacity = queueCapacity;
        });
        live.moveIn(v1, "probe.jar");
        Probe probe = live.proxy(Probe.class);
        Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> probe.version().equals("1"));
        return live;
    }

    <T> T proxy(Class<T> service) {
        return client.proxy(service);
    }

    /** Replaces a jar the way a careful operator does: write beside it, then rename over it. */
    Path moveIn(Path source, String fileName) throws Exception {
        Path temp = deploy.resolve("." + fileName + ".tmp");
        Files.createDirectories(deploy);
        Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
        return Files.move(temp, deploy.resolve(fileName), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    Path marker(String jar, String suffix) {
        return deploy.resolve(jar + suffix);
    }

    BundleView status(String bundle) {
        return server.deployer().status(bundle).orElseThrow(() -> new AssertionError("no bundle " + bundle));
    }

    /** Runs {@code swivel COMMAND ... --admin-port P --data-dir D} in this JVM, over HTTP. */
    Cli cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--admin-port", String.valueOf(server.adminAddress().getPort()),
                "--data-dir", server.config().dataDir().toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = SwivelMain.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Cli(status, out.toString(), err.toString());
    }

    /** The last 50 events, one line each: type, bundle, version and message. */
    String events() {
        StringBuilder text = new StringBuilder();
        for (EventLog.Event event : server.deployer().events().latest(50)) {
            text.append(event.type()).append(' ').append(event.bundle()).append(' ').append(event.version()).append(' ')
                    .append(event.message()).append('\n');
        }
        return text.toString();
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Override
    public void close() {
        client.close();
        server.close();
    }
}
