package io.swivel.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.swivel.client.RemoteServiceException;
import io.swivel.client.SwivelClient;
import io.swivel.systest.api.Rogue;
import io.swivel.testing.JarBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one bundle may not do to the server it shares, tried against a real {@code swivel serve}
 * process ({@code -Xmx256m}) serving the sample greeter v1: stop the JVM, fill the disk with a
 * nested zip bomb, flood the markers and the admin API with a huge manifest value, write
 * through a planted symbolic link, leave a thread running after unload. During each, a
 * {@link Bystander} calls the greeter and probes {@code /v1/health} with a 1 s budget: no call
 * fails, health always answers in time.
 */
@Timeout(180)
class BundleAttacksTest {

    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    @TempDir
    static Path root;

    static ServerProcess server;
    static SwivelClient client;
    /** The attack jars, built before the server starts: javac and deflate in this JVM are not the attack. */
    static Path rogueJar;
    static Path leakyJar;
    static Path bombJar;
    static Path hugeManifestJar;
    static Path noServiceJar;
    static Path echoJar;
    Bystander bystander;

    @BeforeAll
    static void startServer() throws Exception {
        Path work = root.resolve("work");
        rogueJar = AttackBundles.rogue(work, "rogue", "1.0.0");
        leakyJar = AttackBundles.rogue(work, "leaky", "1.0.0");
        bombJar = AttackBundles.zipBomb(work, 1024 * MIB);
        hugeManifestJar = AttackBundles.hugeManifestValue(work, 4 * 1024 * 1024);
        noServiceJar = new JarBuilder().bundle("evil", "1.0.0")
                .add("readme.txt", "no service here".getBytes(StandardCharsets.UTF_8))
                .write(work.resolve("evil-1.jar"));
        echoJar = SystestBundles.echo(work, "1.0.0");
        Path deploy = root.resolve("attacks/deploy");
        Files.createDirectories(deploy);
        Files.copy(SystestBundles.sample("greeter-v1"), deploy.resolve("greeter.jar"));
        server = ServerProcess.start("bundle-attacks", deploy, root.resolve("attacks/data"), "none",
                List.of("--probation", "0s", "--drain-timeout", "2s", "--step-timeout", "5s"));
        client = SwivelClient.builder().address("127.0.0.1", server.rpc().getPort()).build();
        // warm the call and admin paths of the fresh JVM, so the first attack is not measured against its start-up
        io.swivel.samples.greeter.Greeter greeter = client.proxy(io.swivel.samples.greeter.Greeter.class);
        for (int i = 0; i < 200; i++) {
            assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v1)");
        }
        for (int i = 0; i < 20; i++) {
            assertThat(server.get("/v1/health").status()).isEqualTo(200);
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
            assertThat(server.output()).contains("Swivel stopped");
        }
    }

    @BeforeEach
    void neighbour() {
        bystander = Bystander.start(server);
    }

    @AfterEach
    void neighbourWasServedThroughout(TestInfo test) throws Exception {
        bystander.close();
        System.out.printf("SYSTEST bundle-attacks %s: bystander %d calls, %d health probes (slowest %d ms)%n",
                test.getTestMethod().orElseThrow().getName(), bystander.calls(), bystander.probes(),
                bystander.slowestProbeMillis());
        assertThat(bystander.callProblems()).as("greeter calls during the attack").isEmpty();
        assertThat(bystander.healthProblems()).as("/v1/health during the attack").isEmpty();
        assertThat(bystander.calls()).isPositive();
        assertThat(server.isAlive()).isTrue();
    }

    private static void awaitMarker(String jar, String suffix) {
        await().atMost(WITHIN).until(() -> Files.exists(server.marker(jar, suffix)));
    }

    @Test
    void aServiceMethodCallingSystemExitGetsAppErrorAndEverythingKeepsServing() throws Exception {
        server.moveIn(rogueJar, "rogue.jar");
        awaitMarker("rogue.jar", ".deployed");
        Rogue rogue = client.proxy(Rogue.class);

        assertThatThrownBy(() -> rogue.exit(3))
                .isInstanceOfSatisfying(RemoteServiceException.class, e -> {
                    assertThat(e.remoteType()).isEqualTo("io.swivel.api.ExitRefusedException");
                    assertThat(e.remoteMessage()).isEqualTo("System.exit(3) refused: bundle code may not stop the JVM "
                            + "(called from io.swivel.systest.rogue.RogueService.exit)");
                });
        assertThatThrownBy(() -> rogue.halt(4))
                .isInstanceOf(RemoteServiceException.class)
                .hasMessageContaining("Runtime.halt(4) refused");

        assertThat(server.isAlive()).isTrue();
        await().atMost(WITHIN).until(() -> bystander.metric("swivel_bundle_violations_total",
                "kind=\"exit_refused\"") == 2.0);
        assertThat(server.output())
                .contains("rogue 1.0.0: refused System.exit(3) called from io.swivel.systest.rogue.RogueService.exit")
                .contains("rogue 1.0.0: refused Runtime.halt(4) called from io.swivel.systest.rogue.RogueService.halt");
        // the calls after it are answered as before
        long before = bystander.calls();
        await().atMost(WITHIN).until(() -> bystander.calls() > before + 10);
    }

    @Test
    void aNestedZipBombIsRefusedWithTheFiguresAndTheDiskUseStaysBounded() throws Exception {
        Path bomb = bombJar;
        long jarSize = Files.size(bomb);
        long workBefore = bytesUnder(server.dataDir().resolve("work"));
        AtomicLong peak = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleWithFixedDelay(() -> peak.accumulateAndGet(bytesUnder(server.dataDir()), Math::max),
                0, 20, TimeUnit.MILLISECONDS);
        long start = System.nanoTime();
        try {
            server.moveIn(bomb, "bomb.jar");
            awaitMarker("bomb.jar", ".failed");
        } finally {
            sampler.shutdownNow();
            assertThat(sampler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        long refusedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        String marker = server.markerText("bomb.jar", ".failed");
        assertThat(marker)
                .contains("bomb 1.0.0: cannot extract the nested libraries of bomb.jar: lib/bomb.jar inflated past "
                        + "the compression ratio limit of 100:1")
                .contains("raise --max-lib-ratio");
        long after = bytesUnder(server.dataDir().resolve("work"));
        System.out.printf("SYSTEST bundle-attacks zipBomb: %d-byte jar holding 1 GiB, refused in %d ms, data dir peak "
                + "%d bytes (sampled every 20 ms), work dir after %d bytes%n", jarSize, refusedMillis, peak.get(), after);
        assertThat(jarSize).isLessThan(2 * MIB);
        assertThat(peak.get()).as("stopped at about 100 times the jar, far from 1 GiB")
                .isLessThan(100 * jarSize + 16 * MIB);
        assertThat(after).as("nothing of it stays extracted (the greeter's own lib/ is there before and after)")
                .isEqualTo(workBefore);
        try (Stream<Path> work = Files.list(server.dataDir().resolve("work"))) {
            assertThat(work.map(dir -> dir.getFileName().toString())).noneMatch(name -> name.startsWith("bomb"));
        }
    }

    @Test
    void aFourMebibyteManifestValueLeavesASmallMarkerAndASmallStatus() throws Exception {
        server.moveIn(hugeManifestJar, "huge.jar");
        awaitMarker("huge.jar", ".failed");
        long markerSize = Files.size(server.marker("huge.jar", ".failed"));
        ServerProcess.Reply bundles = server.get("/v1/bundles");
        assertThat(bundles.status()).isEqualTo(200);
        String longestLogLine = server.output().lines().max((a, b) -> Integer.compare(a.length(), b.length())).orElse("");
        System.out.printf("SYSTEST bundle-attacks hugeManifest: .failed %d bytes, GET /v1/bundles %d bytes, longest "
                + "log line %d chars%n", markerSize, bundles.body().length(), longestLogLine.length());
        assertThat(server.markerText("huge.jar", ".failed")).contains("is not allowed")
                .contains("[truncated: 4194304 characters in all]");
        assertThat(markerSize).isLessThan(64 * KIB);
        assertThat(bundles.body()).contains("[truncated: 4194304 characters in all]");
        assertThat(bundles.body().length()).isLessThan(64 * 1024);
        assertThat(longestLogLine.length()).isLessThan(64 * 1024);
    }

    @Test
    void aSymlinkPlantedAtAMarkerOrATemporaryNameIsNeverWrittenThrough() throws Exception {
        Path outside = Files.createDirectories(root.resolve("outside"));
        Path deploy = server.deployDir();
        // the temporary names used before, and the marker and state file themselves
        Files.createSymbolicLink(deploy.resolve(".evil.jar.failed.tmp"), outside.resolve("via-failed-tmp"));
        Files.createSymbolicLink(deploy.resolve(".evil.jar.deployed.tmp"), outside.resolve("via-deployed-tmp"));
        Files.createSymbolicLink(deploy.resolve("evil.jar.failed"), outside.resolve("via-failed"));
        Files.createSymbolicLink(server.dataDir().resolve(".state.json.tmp"), outside.resolve("via-state-tmp"));

        server.moveIn(noServiceJar, "evil.jar");
        await().atMost(WITHIN).until(() -> Files.isRegularFile(deploy.resolve("evil.jar.failed"), LinkOption.NOFOLLOW_LINKS));
        assertThat(server.markerText("evil.jar", ".failed")).contains("no class annotated @RpcService");
        assertThat(server.output()).as("its start-up thread ended before the hunt for leftovers")
                .doesNotContain("thread 'swivel-evil-1.0.0-start");

        server.moveIn(echoJar, "evil.jar");
        awaitMarker("evil.jar", ".deployed");
        await().atMost(WITHIN).until(() -> Files.readString(server.dataDir().resolve("state.json")).contains("\"echo\""));

        try (Stream<Path> written = Files.list(outside)) {
            assertThat(written.toList()).as("files created through the planted links").isEmpty();
        }
        assertThat(Files.isSymbolicLink(deploy.resolve("evil.jar.deployed"))).isFalse();
        assertThat(Files.isRegularFile(server.dataDir().resolve("state.json"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    @Test
    void aThreadTheBundleStartedItselfIsNamedInterruptedAndReportedAtUnload() throws Exception {
        server.moveIn(leakyJar, "leaky.jar");
        awaitMarker("leaky.jar", ".deployed");
        Rogue leaky = client.proxy(Rogue.class);
        assertThat(leaky.startThread("leaky-spinner")).isEqualTo("leaky-spinner");

        Files.delete(server.deployDir().resolve("leaky.jar"));
        // the closed loader is named "leaky 1.0.0 #N, closed HH:MM:SS", then why it is not collected
        String reason = "(thread 'leaky-spinner' (its context classloader is the bundle's) was running "
                + "at unload; interrupted, it is still running)";
        await().atMost(WITHIN).until(() -> server.get("/v1/bundles").body().contains(reason));
        assertThat(server.output()).contains("leaky 1.0.0: thread 'leaky-spinner' (its context classloader is the "
                + "bundle's) was running at unload; interrupted, it is still running; start threads through "
                + "BundleContext.newExecutor/newScheduler");
        assertThat(bystander.metric("swivel_bundle_violations_total", "kind=\"thread_left\"")).isEqualTo(1.0);
        // swivel status names only loaders closed over a minute ago; its JSON lists every closed one
        assertThat(server.cli("status", "--json").out()).contains("leaky 1.0.0 #").contains("thread 'leaky-spinner'");
    }

    private static long bytesUnder(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.mapToLong(file -> {
                try {
                    return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Files.size(file) : 0;
                } catch (IOException gone) {
                    return 0; // deleted while walking
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0; // a directory deleted while walking: sampled again 20 ms later
        }
    }
}
