package io.swivel.bench;

import io.swivel.bench.load.Durations;
import io.swivel.bench.load.LoadCommand;
import io.swivel.bench.peer.Launcher;
import io.swivel.bench.peer.Peer;
import io.swivel.bench.peer.PeerServer;
import io.swivel.bench.peer.ceiling.CeilingServer;
import io.swivel.bench.peer.grpc.GrpcUserServer;
import io.swivel.bench.proc.JavaCommand;
import io.swivel.bench.report.Report;
import io.swivel.bench.scaling.ScalingScenario;
import io.swivel.bench.scaling.ScalingSettings;
import io.swivel.bench.scenario.BenchSettings;
import io.swivel.bench.scenario.Context;
import io.swivel.bench.scenario.DeployScenario;
import io.swivel.bench.scenario.HotSwapScenario;
import io.swivel.bench.scenario.JmhScenario;
import io.swivel.bench.scenario.MemoryScenario;
import io.swivel.bench.scenario.Progress;
import io.swivel.bench.scenario.Scenario;
import io.swivel.bench.scenario.ShadowScenario;
import io.swivel.bench.scenario.ThroughputScenario;
import io.swivel.bench.workload.Mode;
import io.swivel.bench.workload.Op;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code benchmarks/run.sh}: runs the scenarios and writes the report. Its subcommands are the
 * child JVMs the harness starts (load generator, gRPC server, ceiling server).
 */
@Command(name = "run.sh", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure Swivel side by side with gRPC-java and a bare Netty ceiling; hot swap, deploy, memory, JMH.",
        subcommands = {LoadCommand.class, BenchMain.ServeGrpc.class, BenchMain.ServeCeiling.class})
public final class BenchMain implements Callable<Integer> {

    private static final List<String> ALL_SCENARIOS = List.of("throughput", "hotswap", "deploy", "memory", "jmh", "shadow");
    /** Run only when asked for ({@code --scenarios scaling}): about 20 minutes with the full settings. */
    private static final List<String> OPT_IN_SCENARIOS = List.of("scaling");

    @Option(names = "--smoke", description = "Short settings (about a minute or two): getUser only, one round, short phases, few swaps/deploys/cycles, one short JMH iteration.")
    boolean smoke;

    @Option(names = "--scenarios", split = ",", description = "Which to run (default: throughput, hotswap, deploy, memory, jmh, shadow); also scaling, only when named.")
    List<String> scenarios;

    @Option(names = "--warmup", description = "Warm-up before each measurement (default 10s; smoke 3s).")
    String warmup;

    @Option(names = "--duration", description = "Each measurement (default 20s; smoke 5s). Also the length of the hot-swap scenario's steady and swap phases.")
    String duration;

    @Option(names = "--runs", description = "Rounds of the throughput scenario, peers interleaved (default 3; smoke 1).")
    Integer runs;

    @Option(names = "--threads", description = "Blocking client threads (default 32).")
    Integer threads;

    @Option(names = "--outstanding", description = "Calls in flight in async mode (default 128).")
    Integer outstanding;

    @Option(names = "--modes", split = ",", description = "sync, async (default both).")
    List<String> modes;

    @Option(names = "--ops", split = ",", description = "existUser, createUser, getUser, listUser (default all; smoke getUser).")
    List<String> ops;

    @Option(names = "--peers", split = ",", description = "swivel, grpc, netty (the default), and swivel-direct, grpc-direct: both servers running handlers on their I/O threads; swivel-lambda: swivel's async mode through client.async(() -> ...) instead of the CompletableFuture twins; swivel-tls-openssl, swivel-tls-jdk: swivel over TLS 1.3 with OpenSSL or the JDK's TLS on both sides.")
    List<String> peers;

    @Option(names = "--swaps", description = "Jar replacements during the hot-swap phase (default 10; smoke 4).")
    Integer swaps;

    @Option(names = "--deploys", description = "Deploys and rollbacks timed (default 20; smoke 5).")
    Integer deploys;

    @Option(names = "--cycles", description = "Replace cycles of the memory scenario (default 200; smoke 20).")
    Integer cycles;

    @Option(names = "--jmh-forks", description = "JMH forks (default 1).")
    Integer jmhForks;

    @Option(names = "--jmh-warmup-iterations", description = "JMH warm-up iterations (default 3; smoke 1).")
    Integer jmhWarmupIterations;

    @Option(names = "--jmh-iterations", description = "JMH measurement iterations (default 5; smoke 1).")
    Integer jmhIterations;

    @Option(names = "--jmh-time", description = "JMH iteration length (default 2s; smoke 1s).")
    String jmhTime;

    @Option(names = "--scaling-connections", split = ",", description = "Client connections of the scaling scenario's getUser rows (default 1,16,256,2048; smoke 1,16).")
    List<Integer> scalingConnections;

    @Option(names = "--scaling-bodies", split = ",", description = "Answer sizes in bytes of its getBody rows (default 100,4096,65536,1048576; smoke 100,65536).")
    List<Integer> scalingBodies;

    @Option(names = "--scaling-bundles", split = ",", description = "Bundles deployed, ascending (default 1,20,100; smoke 1,5).")
    List<Integer> scalingBundles;

    @Option(names = "--scaling-large-libs", description = "Nested jars of its large bundle, besides the user-api (default 100; smoke 10).")
    Integer scalingLargeLibs;

    @Option(names = "--scaling-large-lib-bytes", description = "Incompressible bytes in each (default 512000, about 50 MB in all; smoke 100000).")
    Integer scalingLargeLibBytes;

    @Option(names = "--scaling-parts", split = ",", description = "Parts of the scaling scenario (default all): connections, bodies, bundles, large, cold-start.")
    List<String> scalingParts;

    @Option(names = "--jvm-flags", defaultValue = "-Xms1g -Xmx1g -XX:+UseG1GC",
            description = "Flags of every JVM, servers and clients of all peers (default: ${DEFAULT-VALUE}).")
    String jvmFlags;

    @Option(names = "--results", description = "Where results/<date>/ go (default: <home>/benchmarks/results).")
    Path results;

    @Option(names = "--home", description = "The Swivel checkout (default: -Dswivel.home, else the current directory).")
    Path home;

    @Override
    public Integer call() throws Exception {
        Path root = (home != null ? home : Path.of(System.getProperty("swivel.home", "."))).toAbsolutePath().normalize();
        BenchSettings settings = settings();
        List<Scenario> chosen = chosenScenarios();
        String version = "0.1.0-SNAPSHOT";
        Path serverJar = root.resolve("server-runtime/target/swivel-server-runtime-" + version + ".jar");
        Path serverLib = root.resolve("server-runtime/target/lib");
        Path bundle = root.resolve("benchmarks/harness/target/bundles/swivel-benchmarks-user-bundle.jar");
        for (Path needed : List.of(serverJar, serverLib, bundle)) {
            if (!Files.exists(needed)) {
                throw new CommandLine.ParameterException(new CommandLine(this), needed
                        + " is missing; build first (benchmarks/run.sh builds what is missing)");
            }
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss"));
        Path dir = (results != null ? results : root.resolve("benchmarks/results")).resolve(stamp + (settings.smoke() ? "-smoke" : ""));
        Launcher launcher = new Launcher(JavaCommand.parse(settings.jvmFlags()), System.getProperty("java.class.path"),
                serverJar + java.io.File.pathSeparator + serverLib.resolve("*"), bundle, dir.resolve("work"));
        Progress progress = new Progress(System.out);
        Report report = new Report(dir, System.out, heading(root, settings, chosen));
        progress.say("results go to %s", dir);
        List<String> failed = new ArrayList<>();
        for (Scenario scenario : chosen) {
            progress.say("== %s", scenario.name());
            try {
                scenario.run(new Context(settings, launcher, report, progress));
            } catch (Exception e) {
                failed.add(scenario.name());
                progress.say("%s FAILED: %s", scenario.name(), e);
                report.text("**Scenario " + scenario.name() + " failed:** " + e.toString().lines().findFirst().orElse(""));
                e.printStackTrace(System.out);
            }
        }
        report.text("Load average at the end: " + loadAverage());
        progress.say("done; report in %s", dir.resolve("summary.md"));
        if (!failed.isEmpty()) {
            progress.say("failed scenarios: %s", failed);
            return 1;
        }
        return 0;
    }

    private BenchSettings settings() {
        return new BenchSettings(
                Durations.parse(pick(warmup, "3s", "10s")), Durations.parse(pick(duration, "5s", "20s")),
                pick(runs, 1, 3), pick(threads, 32, 32), pick(outstanding, 128, 128),
                (modes != null ? modes : List.of("sync", "async")).stream().map(Mode::of).toList(),
                (ops != null ? ops : smoke ? List.of("getUser") : List.of("existUser", "createUser", "getUser", "listUser"))
                        .stream().map(Op::of).toList(),
                (peers != null ? peers : List.of("swivel", "grpc", "netty")).stream().map(Peer::of).toList(),
                pick(swaps, 4, 10), pick(deploys, 5, 20), pick(cycles, 20, 200),
                pick(jmhForks, 1, 1), pick(jmhWarmupIterations, 1, 3), pick(jmhIterations, 1, 5),
                Durations.parse(pick(jmhTime, "1s", "2s")), jvmFlags, smoke);
    }

    private <T> T pick(T given, T smokeValue, T fullValue) {
        return given != null ? given : smoke ? smokeValue : fullValue;
    }

    private List<Scenario> chosenScenarios() {
        Map<String, Scenario> all = new LinkedHashMap<>();
        ScalingSettings scaling = new ScalingSettings(pick(scalingConnections, List.of(1, 16), List.of(1, 16, 256, 2048)),
                pick(scalingBodies, List.of(100, 65536), List.of(100, 4096, 65536, 1048576)),
                pick(scalingBundles, List.of(1, 5), List.of(1, 20, 100)), pick(scalingLargeLibs, 10, 100),
                pick(scalingLargeLibBytes, 100_000, 512_000), scalingParts != null ? scalingParts : ScalingSettings.PARTS);
        for (Scenario s : List.of(new ThroughputScenario(), new HotSwapScenario(), new DeployScenario(),
                new MemoryScenario(), new JmhScenario(), new ShadowScenario(), new ScalingScenario(scaling))) {
            all.put(s.name(), s);
        }
        List<Scenario> chosen = new ArrayList<>();
        for (String name : scenarios != null ? scenarios : ALL_SCENARIOS) {
            Scenario scenario = all.get(name);
            if (scenario == null) {
                throw new IllegalArgumentException("unknown scenario '" + name + "' (expected one of " + ALL_SCENARIOS
                        + " or " + OPT_IN_SCENARIOS + ")");
            }
            chosen.add(scenario);
        }
        return chosen;
    }

    private static String heading(Path root, BenchSettings s, List<Scenario> chosen) {
        return "# Swivel benchmarks, " + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"))
                + (s.smoke() ? " — SMOKE RUN (short settings; not for quoting)" : "") + "\n\n"
                + "* machine: " + Runtime.getRuntime().availableProcessors() + " CPUs (nproc), "
                + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")
                + ", load average at start " + loadAverage() + "\n"
                + "* JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + "\n"
                + "* JVM flags of every server and client: `" + s.jvmFlags() + "`\n"
                + "* commit: " + commit(root) + "\n"
                + "* scenarios: " + chosen.stream().map(Scenario::name).toList() + "; settings: warm-up " + s.warmup().toSeconds()
                + " s, measurement " + s.duration().toSeconds() + " s, rounds " + s.runs() + ", threads " + s.threads()
                + ", outstanding " + s.outstanding() + ", modes " + s.modes() + ", ops " + s.ops() + ", peers " + s.peers()
                + ", swaps " + s.swaps() + ", deploys " + s.deploys() + ", cycles " + s.cycles()
                + ", JMH " + s.jmhForks() + " fork(s) × (" + s.jmhWarmupIterations() + " warm-up + " + s.jmhIterations()
                + ") × " + s.jmhIterationTime().toMillis() + " ms\n";
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String commit(Path root) {
        try {
            Process git = new ProcessBuilder("git", "-C", root.toString(), "rev-parse", "--short", "HEAD")
                    .redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return git.waitFor() == 0 ? out : "unknown (" + out + ")";
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown (interrupted)";
        }
    }

    /** Runs until SIGTERM, after printing the port. */
    private static void serveUntilStopped(AutoCloseable server, int port) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("closing the server failed: " + e);
            } finally {
                stopped.countDown();
            }
        }, "shutdown"));
        System.out.println(PeerServer.READY + port);
        System.out.flush();
        stopped.await();
    }

    /** The gRPC peer's server JVM. */
    @Command(name = "serve-grpc", description = "Serve the workload with gRPC-java (run by the harness).")
    static final class ServeGrpc implements Callable<Integer> {

        @Option(names = "--port", defaultValue = "0")
        int port;

        @Option(names = "--direct", description = "Run handlers with directExecutor().")
        boolean direct;

        @Override
        public Integer call() throws Exception {
            GrpcUserServer server = GrpcUserServer.start("127.0.0.1", port, direct);
            serveUntilStopped(server, server.port());
            return 0;
        }
    }

    /** The ceiling's server JVM. */
    @Command(name = "serve-ceiling", description = "Serve pre-encoded swivel/1 frames on bare Netty (run by the harness).")
    static final class ServeCeiling implements Callable<Integer> {

        @Option(names = "--port", defaultValue = "0")
        int port;

        @Override
        public Integer call() throws Exception {
            CeilingServer server = CeilingServer.start("127.0.0.1", port);
            serveUntilStopped(server, server.port());
            return 0;
        }
    }

    /**
     * Runs the harness or one of its child JVMs.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine(new BenchMain());
        commandLine.setParameterExceptionHandler((e, a) -> {
            System.err.println("run.sh: " + e.getMessage());
            System.err.println("see benchmarks/run.sh --help");
            return 2;
        });
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                System.err.println("run.sh: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(commandLine.execute(args));
    }
}
