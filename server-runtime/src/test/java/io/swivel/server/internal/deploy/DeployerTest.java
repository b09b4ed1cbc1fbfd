package io.swivel.server.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.swivel.api.RpcService;
import io.swivel.classloader.LoaderLeakTracker;
import io.swivel.server.internal.dispatch.ServiceDirectory;
import io.swivel.testing.SampleBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The deployer's commands on real sample jars, without sockets: the one undeploy path, and what it refuses. */
@Timeout(60)
class DeployerTest {

    @TempDir
    Path root;

    private Path deployDir;
    private ServiceDirectory directory;
    private final LoaderLeakTracker leakTracker = new LoaderLeakTracker();
    private Deployer deployer;

    @BeforeEach
    void start() {
        start(io.swivel.server.internal.metrics.ServerMetrics.none());
    }

    private void start(io.swivel.server.internal.metrics.ServerMetrics metrics) {
        if (deployer != null) {
            deployer.close();
        }
        deployDir = root.resolve("deploy");
        Path dataDir = root.resolve("data");
        directory = new ServiceDirectory();
        BundleLoader loader = new BundleLoader(new BundleLoader.Settings(dataDir.resolve("history"),
                dataDir.resolve("work"), deployDir, Duration.ofSeconds(5), 4, 64, 1 << 20),
                RpcService.class.getClassLoader(), leakTracker);
        deployer = new Deployer(loader, directory, deployDir, dataDir,
                new DeploySettings(Duration.ofSeconds(5), 5, Duration.ZERO, 0.5, 20, Duration.ofSeconds(5)),
                metrics, java.time.Clock.systemUTC());
    }

    /**
     * The meters of each version, made by the metrics listener on the lifecycle's events: a
     * version's exist before it serves (told while it is still STARTING and not routed), and go
     * once it unloaded.
     */
    @Test
    void eachVersionHasItsMetersFromBeforeItServesUntilItUnloaded() throws Exception {
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        start(recordingGenerations(told));
        Path jar = copy("greeter-v1");
        assertThat(deployer.deploy(jar)).isTrue();
        assertThat(told).containsExactly("generationLoaded 1.0.0 STARTING");
        copy("greeter-v2");
        assertThat(deployer.deploy(jar)).isTrue();
        assertThat(deployer.undeploy("greeter")).isPresent();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(told).containsExactlyInAnyOrder(
                "generationLoaded 1.0.0 STARTING", "generationLoaded 2.0.0 STARTING",
                "generationUnloaded 1.0.0 UNLOADED", "generationUnloaded 2.0.0 UNLOADED"));
        assertThat(told.indexOf("generationLoaded 2.0.0 STARTING"))
                .isLessThan(told.indexOf("generationUnloaded 2.0.0 UNLOADED"));
    }

    /** A shadow's version too: its meters exist before it takes copies, and go once it unloaded. */
    @Test
    void aShadowHasItsMetersFromBeforeItTakesCopiesUntilItUnloaded() throws Exception {
        List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        start(recordingGenerations(told));
        assertThat(deployer.deploy(copy("greeter-v1"))).isTrue();

        deployer.shadow("greeter", SampleBundles.jar("greeter-v2"), 10, 1, 10);
        assertThat(told).containsExactly("generationLoaded 1.0.0 STARTING", "generationLoaded 2.0.0 STARTING");

        deployer.shadowStop("greeter");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(told).containsExactly(
                "generationLoaded 1.0.0 STARTING", "generationLoaded 2.0.0 STARTING",
                "generationUnloaded 2.0.0 UNLOADED"));
    }

    /** Meters that record, for each version's meters made or removed, its version and state (and whether it was routed). */
    private io.swivel.server.internal.metrics.ServerMetrics recordingGenerations(List<String> told) {
        io.swivel.server.internal.metrics.ServerMetrics none = io.swivel.server.internal.metrics.ServerMetrics.none();
        return (io.swivel.server.internal.metrics.ServerMetrics) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {io.swivel.server.internal.metrics.ServerMetrics.class},
                (proxy, method, args) -> {
                    if (method.getName().startsWith("generation")) {
                        io.swivel.server.internal.bundle.BundleGeneration generation =
                                (io.swivel.server.internal.bundle.BundleGeneration) args[0];
                        told.add(method.getName() + " " + generation.version() + " " + generation.state()
                                + (directory.find("io.swivel.samples.greeter.Greeter") == generation ? " routed" : ""));
                    }
                    return method.invoke(none, args);
                });
    }

    @AfterEach
    void close() {
        deployer.close();
    }

    private Path copy(String artifact) throws Exception {
        Files.createDirectories(deployDir);
        return Files.copy(SampleBundles.jar(artifact), deployDir.resolve("greeter.jar"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void anUndeployByNameDeletesTheJarAndTheWatchersLaterUndeployOfItChangesNothing() throws Exception {
        Path jar = copy("greeter-v1");
        assertThat(deployer.deploy(jar)).isTrue();
        assertThat(deployer.deploy(jar)).as("unchanged content is not deployed twice").isFalse();
        assertThat(deployer.servingNames()).containsExactly("greeter");
        assertThat(root.resolve("data/state.json")).content().contains("\"greeter\"");

        assertThat(deployer.undeploy("greeter")).hasValueSatisfying(message ->
                assertThat(message).startsWith("greeter 1.0.0 undeployed; greeter.jar removed from the deploy directory"));
        assertThat(jar).doesNotExist();
        assertThat(deployer.servingNames()).isEmpty();
        assertThat(directory.slots()).isEmpty();
        assertThat(deployDir.resolve("greeter.jar.deployed")).doesNotExist();
        assertThat(root.resolve("data/state.json")).content().doesNotContain("\"greeter\"");

        deployer.undeploy(jar); // the watcher sees the deletion afterwards
        assertThat(deployer.status()).isEmpty();
        assertThat(deployer.undeploy("greeter")).isEmpty();
    }

    @Test
    void anUndeployIsRefusedWhileTheJarHoldsAVersionThatDidNotDeploy() throws Exception {
        Path jar = copy("greeter-v1");
        deployer.deploy(jar);
        copy("greeter-broken");
        assertThat(deployer.deploy(jar)).isFalse();
        assertThat(deployDir.resolve("greeter.jar.failed")).exists();

        assertThatThrownBy(() -> deployer.undeploy("greeter"))
                .isInstanceOf(UndeployRefusedException.class)
                .hasMessageContaining("greeter.jar holds greeter 3.0.0")
                .hasMessageContaining("greeter 1.0.0 serves from an earlier copy");
        assertThat(jar).hasSameBinaryContentAs(SampleBundles.jar("greeter-broken"));
        assertThat(deployer.servingNames()).containsExactly("greeter");
        await().atMost(Duration.ofSeconds(5)).until(() -> deployer.status("greeter").orElseThrow().lastError() != null);
    }

    @Test
    void twoClosedLoadersOfOneVersionAreToldApart() throws Exception {
        List<ClassLoader> pinned = new ArrayList<>(); // kept reachable, so both stay in the tracker's list
        for (int i = 0; i < 2; i++) {
            Path jar = copy("greeter-v1");
            assertThat(deployer.deploy(jar)).isTrue();
            pinned.add(directory.find("io.swivel.samples.greeter.Greeter").loader());
            assertThat(deployer.undeploy("greeter")).isPresent();
        }
        assertThat(pinned).hasSize(2);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(leakTracker.uncollected())
                .hasSize(2).doesNotHaveDuplicates()
                .allMatch(name -> name.matches("greeter 1\\.0\\.0 #\\d+, closed \\d\\d:\\d\\d:\\d\\d")));
    }

    @Test
    void theLastErrorNamesTheJarOnce() throws Exception {
        Path jar = copy("greeter-v1");
        deployer.deploy(jar);
        Path bogus = root.resolve("bogus.jar");
        try (JarInputStream in = new JarInputStream(Files.newInputStream(SampleBundles.jar("greeter-v2")));
             JarOutputStream out = new JarOutputStream(Files.newOutputStream(bogus), withDispatch(in.getManifest(), "bogus"))) {
            for (JarEntry entry; (entry = in.getNextJarEntry()) != null; ) {
                out.putNextEntry(new JarEntry(entry.getName()));
                in.transferTo(out);
                out.closeEntry();
            }
        }
        Files.copy(bogus, jar, StandardCopyOption.REPLACE_EXISTING);
        assertThat(deployer.deploy(jar)).isFalse();

        assertThat(deployer.status("greeter").orElseThrow().lastError()).isEqualTo("greeter.jar: Swivel-Dispatch 'bogus' "
                + "is not known (expected: pool or direct); fix the Swivel-Dispatch attribute");
    }

    private static Manifest withDispatch(Manifest manifest, String dispatch) {
        manifest.getMainAttributes().putValue("Swivel-Dispatch", dispatch);
        return manifest;
    }
}
