package io.swivel.bundletest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swivel.samples.greeter.Greeter;
import io.swivel.testing.SampleBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The bundle authors' helper deploys real sample jars into a real server and calls them over a socket. */
@Timeout(60)
class SwivelTestServerTest {

    @Test
    void deploysAJarAndHandsBackAProxyThatCallsIt() throws Exception {
        try (SwivelTestServer server = SwivelTestServer.start()) {
            DeployedBundle deployed = server.deploy(SampleBundles.jar("greeter-v1"), "greeter.jar");

            assertThat(deployed.name()).isEqualTo("greeter");
            assertThat(deployed.version()).isEqualTo("1.0.0");
            assertThat(deployed.jar()).isEqualTo(server.deployDir().resolve("greeter.jar"));
            assertThat(deployed.sha256()).hasSize(64);
            assertThat(server.proxy(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada (v1)");
            assertThat(server.server().rpcAddress().getAddress().isLoopbackAddress()).isTrue();
            assertThat(server.port()).isPositive().isNotEqualTo(7700);
            assertThat(server.adminToken()).isNotBlank();
        }
    }

    @Test
    void aNewJarUnderTheSameNameIsSwappedIn() throws Exception {
        try (SwivelTestServer server = SwivelTestServer.start()) {
            server.deploy(SampleBundles.jar("greeter-v1"), "greeter.jar");
            Greeter greeter = server.proxy(Greeter.class);
            assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v1)");

            DeployedBundle v2 = server.deploy(SampleBundles.jar("greeter-v2"), "greeter.jar");

            assertThat(v2.version()).isEqualTo("2.0.0");
            assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v2)");
        }
    }

    @Test
    void aBundleThatFailsToStartThrowsWithTheFailedMarkersText() throws Exception {
        try (SwivelTestServer server = SwivelTestServer.start()) {
            server.deploy(SampleBundles.jar("greeter-v1"), "greeter.jar");

            assertThatThrownBy(() -> server.deploy(SampleBundles.jar("greeter-broken"), "greeter.jar"))
                    .isInstanceOf(BundleDeployException.class)
                    .hasMessageContaining("greeter.jar failed to deploy; greeter.jar.failed says:")
                    .hasMessageContaining("serving instead: greeter 1.0.0")
                    .satisfies(e -> assertThat(((BundleDeployException) e).jar())
                            .isEqualTo(server.deployDir().resolve("greeter.jar")));
            assertThat(server.proxy(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada (v1)");
        }
    }

    @Test
    void aJarThatIsNotHandledInTimeThrowsWithTheMarkersSeen() throws Exception {
        try (SwivelTestServer server = SwivelTestServer.builder()
                .deployTimeout(java.time.Duration.ofMillis(300)).start()) {
            Path notABundle = Files.writeString(server.deployDir().getParent().resolve("empty.txt"), "not a jar");

            assertThatThrownBy(() -> server.deploy(notABundle, "empty.jar"))
                    .isInstanceOf(BundleDeployException.class)
                    .hasMessageContaining("empty.jar was not deployed within PT0.3S");
        }
    }

    @Test
    void theBundleUnderTestComesFromTheSystemPropertyThatTheParentPomSets() throws Exception {
        try (SwivelTestServer server = SwivelTestServer.start()) {
            String before = System.getProperty(SwivelTestServer.BUNDLE_JAR_PROPERTY);
            try {
                System.clearProperty(SwivelTestServer.BUNDLE_JAR_PROPERTY);
                assertThatThrownBy(server::deployBundleUnderTest).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("swivel.bundle.jar is not set");

                System.setProperty(SwivelTestServer.BUNDLE_JAR_PROPERTY, SampleBundles.jar("greeter-v2").toString());
                assertThat(server.deployBundleUnderTest().version()).isEqualTo("2.0.0");
                assertThat(server.proxy(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada (v2)");
            } finally {
                if (before == null) {
                    System.clearProperty(SwivelTestServer.BUNDLE_JAR_PROPERTY);
                } else {
                    System.setProperty(SwivelTestServer.BUNDLE_JAR_PROPERTY, before);
                }
            }
        }
    }

    @Test
    void closeRemovesTheTemporaryDirectoryButLeavesAGivenRootAlone(@TempDir Path root) throws Exception {
        Path temporary;
        try (SwivelTestServer server = SwivelTestServer.start()) {
            temporary = server.deployDir().getParent();
            assertThat(temporary).isDirectory();
        }
        assertThat(temporary).doesNotExist();

        try (SwivelTestServer server = SwivelTestServer.builder().root(root).start()) {
            assertThat(server.deployDir()).isEqualTo(root.resolve("deploy"));
        }
        assertThat(root.resolve("deploy")).isDirectory();
    }
}
