package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.server.probe.Probe;
import io.swivel.server.probe.ProbeBundles;
import io.swivel.server.probe.ProbeBundles.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Swivel-Dispatch: direct}: calls of such a bundle run on the connection's I/O thread,
 * with the bundle's loader as context loader; other bundles' calls run on their worker pool; a
 * slow direct call is reported once; an unknown value fails the deploy and says why.
 */
@Timeout(60)
class DirectDispatchTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path root;

    @RegisterExtension
    final CapturedLogs logs = new CapturedLogs();

    private List<String> warnings(String containing) {
        return logs.messages(containing);
    }

    private Path probe(String version, Map<String, String> attributes) {
        return ProbeBundles.build(root.resolve("work"), root.resolve("work").resolve(version + ".jar"),
                Options.healthy(version), 0, attributes);
    }

    @Test
    void aDirectBundleRunsOnTheIoThreadWithItsOwnContextLoader() throws Exception {
        try (LiveServer live = LiveServer.start(root, c -> { })) {
            live.moveIn(probe("1", Map.of("Swivel-Dispatch", "direct")), "probe.jar");
            Probe probe = live.proxy(Probe.class);
            await().atMost(WITHIN).until(() -> Files.exists(live.marker("probe.jar", ".deployed")));

            // The slow call comes first: the warning is given once per version, and on a loaded
            // machine even a first version() (class loading, cold code) can pass the threshold.
            String held = probe.hold(120);
            assertThat(held).isEqualTo("1");
            probe.hold(120);
            String[] ranOn = probe.thread().split("\\|");
            assertThat(ranOn[0]).startsWith("swivel-rpc-io-");
            assertThat(ranOn[1]).as("context loader is the bundle's").isEqualTo("true");
            // The I/O thread gets its own context loader back: the bundle's is not left behind.
            assertThat(Thread.currentThread().getContextClassLoader()).isNotNull();
            assertThat(warnings("on an I/O thread")).singleElement().asString()
                    .contains("probe 1: hold(long) ran")
                    .contains("on an I/O thread (Swivel-Dispatch: direct)")
                    .contains("remove Swivel-Dispatch: direct from the manifest if its methods can block");
        }
    }

    @Test
    void withoutTheAttributeCallsRunOnTheWorkerPool() throws Exception {
        try (LiveServer live = LiveServer.start(root, c -> { })) {
            live.moveIn(probe("1", Map.of()), "probe.jar");
            Probe probe = live.proxy(Probe.class);
            await().atMost(WITHIN).ignoreExceptions().until(() -> probe.version().equals("1"));

            String[] ranOn = probe.thread().split("\\|");
            assertThat(ranOn[0]).startsWith("swivel-probe-1-call-");
            assertThat(ranOn[1]).isEqualTo("true");
            probe.hold(120);
            assertThat(warnings("on an I/O thread")).isEmpty();
        }
    }

    @Test
    void anUnknownDispatchFailsTheDeployAndKeepsTheServingVersion() throws Exception {
        try (LiveServer live = LiveServer.start(root, c -> { })) {
            live.moveIn(probe("1", Map.of()), "probe.jar");
            Probe probe = live.proxy(Probe.class);
            await().atMost(WITHIN).ignoreExceptions().until(() -> probe.version().equals("1"));

            live.moveIn(probe("2", Map.of("Swivel-Dispatch", "inline")), "probe.jar");
            Path failed = live.marker("probe.jar", ".failed");
            await().atMost(WITHIN).until(() -> Files.exists(failed));
            assertThat(Files.readString(failed))
                    .contains("Swivel-Dispatch 'inline' is not known (expected: pool or direct); fix the Swivel-Dispatch attribute");
            assertThat(probe.version()).isEqualTo("1");
        }
    }
}
