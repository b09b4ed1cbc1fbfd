package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.client.SwivelClient;
import io.swivel.samples.greeter.Greeter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up deployment: every jar present is handled, a bad one is skipped with a
 * {@code .failed} marker naming its cause, and the good ones serve.
 */
@Timeout(60)
class DeploymentTest {

    @TempDir
    Path root;

    @Test
    void badJarsAreSkippedWithTheirCauseAndTheGoodOneServes() throws Exception {
        Path deploy = root.resolve("deploy");
        Path broken = TestBundles.deploy("greeter-broken", deploy, "a-broken.jar");
        Path corrupt = Files.write(deploy.resolve("b-corrupt.jar"), "this is not a zip".getBytes());
        Path empty = Files.write(deploy.resolve("c-empty.jar"), new byte[0]);
        Path good = TestBundles.deploy("greeter-v1", deploy, "greeter.jar");
        Path duplicate = TestBundles.deploy("greeter-v2", deploy, "z-greeter-copy.jar");
        Files.write(deploy.resolve(".hidden.jar"), new byte[0]);
        Files.write(deploy.resolve("partial.jar.part"), new byte[0]);

        // A jar whose zip directory does not read may be a copy in progress: it fails once it
        // has not changed for stalledAfter.
        var config = TestBundles.config(root).with(c -> c.stalledAfter = Duration.ofMillis(300));
        try (SwivelServer server = SwivelServer.start(config);
             SwivelClient client = SwivelClient.builder().address("127.0.0.1", server.rpcAddress().getPort()).build()) {
            assertThat(client.proxy(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada (v1)");

            assertThat(marker(broken, ".failed"))
                    .contains("greeter 3.0.0")
                    .contains("refuses to start: this sample fails on purpose")
                    .contains("serving instead");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(marker(corrupt, ".failed")).contains("b-corrupt.jar is incomplete").contains("copy it again");
                assertThat(marker(empty, ".failed")).contains("c-empty.jar is incomplete");
            });
            assertThat(marker(duplicate, ".failed")).contains("already serves version 1.0.0 from greeter.jar");
            assertThat(marker(good, ".deployed")).contains("version: 1.0.0").contains("sha256: ");
            for (Path jar : new Path[] {broken, corrupt, empty, duplicate}) {
                assertThat(jar.resolveSibling(jar.getFileName() + ".deployed")).doesNotExist();
            }
            assertThat(deploy.resolve(".hidden.jar.failed")).doesNotExist();
            assertThat(deploy.resolve("partial.jar.part.failed")).doesNotExist();
            assertThat(server.directory().slots()).hasSize(1);
            // the failed versions were discarded: their loaders are closed and collectable
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                System.gc();
                return server.leakTracker().uncollected().isEmpty();
            });
        }
    }

    @Test
    void closingTheServerUnloadsBundlesAndTheirLoadersAreCollected() throws Exception {
        TestBundles.deploy("greeter-v1", root.resolve("deploy"), "greeter.jar");
        SwivelServer server = SwivelServer.start(TestBundles.config(root));
        try (SwivelClient client = SwivelClient.builder().address("127.0.0.1", server.rpcAddress().getPort()).build()) {
            assertThat(client.proxy(Greeter.class).welcome(new io.swivel.samples.greeter.Person("Ada", "en")).getText())
                    .isEqualTo("Welcome, Ada (v1)");
        }
        server.close();
        assertThat(server.directory().slots()).isEmpty();
        assertThat(server.leakTracker().uncollected()).as("tracked right after close, each with its number and time")
                .isNotEmpty().allMatch(name -> name.matches("greeter 1\\.0\\.0 #\\d+, closed \\d\\d:\\d\\d:\\d\\d"));
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            System.gc();
            return server.leakTracker().uncollected().isEmpty();
        });
        try (var work = Files.list(root.resolve("data/work"))) {
            assertThat(work).as("extracted nested jars are deleted").isEmpty();
        }
    }

    private static String marker(Path jar, String suffix) throws Exception {
        Path marker = jar.resolveSibling(jar.getFileName() + suffix);
        assertThat(marker).exists();
        return Files.readString(marker);
    }
}
