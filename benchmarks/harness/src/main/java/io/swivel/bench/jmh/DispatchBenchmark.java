package io.swivel.bench.jmh;

import io.swivel.bench.user.Page;
import io.swivel.bench.user.User;
import io.swivel.bench.user.UserService;
import io.swivel.client.SwivelClient;
import io.swivel.server.SwivelServer;
import io.swivel.server.config.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Dispatch in one JVM: a client proxy call → request frame → loopback socket → server
 * dispatcher → bundle worker → the benchmark bundle's service → response, with a real
 * {@link SwivelServer} serving the benchmark bundle (path in {@code -Dswivel.bench.bundle}).
 * One thread measures the round trip's latency; four measure what the stack sustains.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
public class DispatchBenchmark {

    private Path root;
    private SwivelServer server;
    private SwivelClient client;
    private UserService users;

    /**
     * Starts the server with the bundle and connects a client.
     *
     * @throws Exception if the server cannot start
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String bundle = System.getProperty("swivel.bench.bundle");
        if (bundle == null || !Files.isRegularFile(Path.of(bundle))) {
            throw new IllegalStateException("-Dswivel.bench.bundle must name the benchmark bundle jar (got " + bundle + ")");
        }
        root = Files.createTempDirectory("swivel-jmh");
        Path deploy = Files.createDirectories(root.resolve("deploy"));
        Files.copy(Path.of(bundle), deploy.resolve("bench-users.jar"));
        server = SwivelServer.start(ServerConfig.defaults().withDeployDir(deploy).withDataDir(root.resolve("data"))
                .withPorts(0, 0).with(c -> c.zookeeper = ServerConfig.NO_ZOOKEEPER));
        client = SwivelClient.builder().address("127.0.0.1", server.rpcAddress().getPort()).build();
        users = client.proxy(UserService.class);
        users.getUser(1);
    }

    /** Stops client and server and removes the directories. */
    @TearDown(Level.Trial)
    public void tearDown() {
        client.close();
        server.close();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root, e);
        }
    }

    /** @return one existUser round trip (smallest payloads) */
    @Benchmark
    public boolean existUser() {
        return users.existUser("42");
    }

    /** @return one getUser round trip */
    @Benchmark
    public User getUser() {
        return users.getUser(42);
    }

    /** @return one listUser round trip */
    @Benchmark
    public Page<User> listUser() {
        return users.listUser(42);
    }

    /** @return getUser round trips from four threads at once (average time per call per thread) */
    @Benchmark
    @Threads(4)
    public User getUser4Threads() {
        return users.getUser(42);
    }
}
