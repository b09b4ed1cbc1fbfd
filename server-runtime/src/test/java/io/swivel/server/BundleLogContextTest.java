package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.swivel.samples.greeter.Greeter;
import io.swivel.server.logging.BundleConverter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every log line about a bundle names it and its version: the server's lines while it deploys,
 * swaps and drains, and the lines the bundle logs from its own threads.
 */
class BundleLogContextTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path root;

    @RegisterExtension
    final CapturedLogs logs = new CapturedLogs();

    private List<ILoggingEvent> lines(String loggerSuffix, String containing) {
        return logs.events(loggerSuffix, containing);
    }

    @Test
    void deploySwapAndTheBundlesOwnLinesCarryItsNameAndVersion() throws Exception {
        try (LiveServer live = LiveServer.start(root, c -> c.probation = Duration.ZERO)) {
            Greeter greeter = live.proxy(Greeter.class);
            live.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("Ada").endsWith("(v1)"));
            live.moveIn(TestBundles.jar("greeter-v2"), "greeter.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("Ada").endsWith("(v2)"));
            await().atMost(WITHIN).until(() -> !lines("Deployer", "→ 2.0.0 active in").isEmpty());

            BundleConverter converter = new BundleConverter();
            ILoggingEvent deployed = lines("Deployer", "greeter 1.0.0 active in").get(0);
            assertThat(converter.convert(deployed)).isEqualTo(" [greeter 1.0.0]");
            // the bundle's own activator, on a thread of the bundle's context
            ILoggingEvent started = lines("GreeterActivator", "greeter 2.0.0 started").get(0);
            assertThat(started.getMDCPropertyMap()).containsEntry("bundle", "greeter").containsEntry("version", "2.0.0");
            ILoggingEvent swapped = lines("Deployer", "greeter 1.0.0 → 2.0.0 active in").get(0);
            assertThat(swapped.getFormattedMessage()).containsPattern("active in \\d+ ms, drained \\d+ call\\(s\\) in \\d+ ms");
            assertThat(swapped.getMDCPropertyMap()).containsEntry("bundle", "greeter");
        }
        // lines about no bundle carry nothing
        ILoggingEvent listening = lines("RpcServer", "listening on").get(0);
        assertThat(new BundleConverter().convert(listening)).isEmpty();
    }
}
