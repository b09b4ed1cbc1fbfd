package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.samples.greeter.Greeter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The marker beside a jar describes that jar, and nothing the user dropped is lost: the cases
 * of issue 14, where the jar holds a version that failed (greeter-broken, 3.0.0) while an earlier
 * version serves.
 */
@Timeout(120)
class MarkersTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path root;

    /** v1, then v2, rolled back to v1, then the broken 3.0.0 dropped into the same jar. */
    private Greeter brokenAfterRollback(LiveServer live) throws Exception {
        Greeter greeter = live.proxy(Greeter.class);
        live.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
        await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("Ada").equals("Hello, Ada (v1)"));
        live.moveIn(TestBundles.jar("greeter-v2"), "greeter.jar");
        await().atMost(WITHIN).until(() -> greeter.greet("Ada").equals("Hello, Ada (v2)"));
        assertThat(live.cli("rollback", "greeter").status()).isZero();
        live.moveIn(TestBundles.jar("greeter-broken"), "greeter.jar");
        await().atMost(WITHIN).until(() -> Files.exists(live.marker("greeter.jar", ".failed")));
        assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v1)");
        return greeter;
    }

    @Test
    void undeployingWhileTheJarHoldsAFailedVersionIsRefusedAndTheJarStays() throws Exception {
        try (LiveServer live = LiveServer.start(root, c -> c.probation = Duration.ZERO)) {
            Greeter greeter = live.proxy(Greeter.class);
            live.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("Ada").equals("Hello, Ada (v1)"));
            Path jar = live.moveIn(TestBundles.jar("greeter-broken"), "greeter.jar");
            await().atMost(WITHIN).until(() -> Files.exists(live.marker("greeter.jar", ".failed")));
            byte[] dropped = Files.readAllBytes(jar);

            LiveServer.Cli undeploy = live.cli("undeploy", "greeter");
            assertThat(undeploy.status()).isEqualTo(1);
            assertThat(undeploy.err()).contains("greeter.jar holds greeter 3.0.0 (sha256 ")
                    .contains("which did not deploy")
                    .contains("while greeter 1.0.0 serves from an earlier copy")
                    .contains("Fix or remove greeter.jar yourself");
            assertThat(jar).exists().hasBinaryContent(dropped);
            assertThat(live.marker("greeter.jar", ".failed")).exists();
            assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v1)");

            // once the jar holds a version that serves, undeploy works as before
            live.moveIn(TestBundles.jar("greeter-v2"), "greeter.jar");
            await().atMost(WITHIN).until(() -> greeter.greet("Ada").equals("Hello, Ada (v2)"));
            LiveServer.Cli again = live.cli("undeploy", "greeter");
            assertThat(again.status()).as(again.err()).isZero();
            assertThat(again.out()).contains("greeter 2.0.0 undeployed; greeter.jar removed from the deploy directory");
            assertThat(jar).doesNotExist();
            await().atMost(WITHIN).until(() -> live.server.directory().slots().isEmpty());
        }
    }

    @Test
    void aRollbackWhileTheJarHoldsAFailedVersionNamesWhatServesAndWhatTheJarHolds() throws Exception {
        try (LiveServer live = LiveServer.start(root, c -> c.probation = Duration.ZERO)) {
            Greeter greeter = brokenAfterRollback(live);

            // 2.0.0 was the jar's content once, but the jar holds 3.0.0 now: not ".deployed"
            LiveServer.Cli forward = live.cli("rollback", "greeter", "--to", "2.0.0");
            assertThat(forward.status()).as(forward.err()).isZero();
            assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v2)");
            assertThat(live.marker("greeter.jar", ".deployed")).doesNotExist();
            assertThat(live.marker("greeter.jar", ".failed")).doesNotExist();
            String sha2 = live.status("greeter").active().sha256();
            assertThat(live.marker("greeter.jar", ".rolledback")).content()
                    .contains("from: greeter 1.0.0")
                    .contains("to: greeter 2.0.0")
                    .contains("serving: greeter 2.0.0 (sha256 " + sha2 + ")")
                    .contains("jar holds: greeter 3.0.0 (sha256 ")
                    .contains("which did not deploy")
                    .doesNotContain("jar sha256: " + sha2);
            assertThat(live.status("greeter").rolledBack()).isNotNull();
        }
    }

    @Test
    void aPlainRollbackWhileTheJarHoldsAFailedVersionGivesTheJarsOwnHash() throws Exception {
        try (LiveServer live = LiveServer.start(root, c -> c.probation = Duration.ZERO)) {
            Greeter greeter = live.proxy(Greeter.class);
            live.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("Ada").equals("Hello, Ada (v1)"));
            live.moveIn(TestBundles.jar("greeter-v2"), "greeter.jar");
            await().atMost(WITHIN).until(() -> greeter.greet("Ada").equals("Hello, Ada (v2)"));
            String sha2 = live.status("greeter").active().sha256();
            live.moveIn(TestBundles.jar("greeter-broken"), "greeter.jar");
            await().atMost(WITHIN).until(() -> Files.exists(live.marker("greeter.jar", ".failed")));

            assertThat(live.cli("rollback", "greeter").status()).isZero();
            assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v1)");
            assertThat(live.marker("greeter.jar", ".rolledback")).content()
                    .contains("from: greeter 2.0.0")
                    .contains("to: greeter 1.0.0")
                    .contains("jar holds: greeter 3.0.0")
                    .doesNotContain(sha2);
        }
    }
}
