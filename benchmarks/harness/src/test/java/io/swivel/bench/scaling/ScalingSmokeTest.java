package io.swivel.bench.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swivel.bench.BenchBundles;
import io.swivel.bench.peer.Launcher;
import io.swivel.bench.peer.swivel.SwivelCalls;
import io.swivel.bench.peer.swivel.SwivelServerProcess;
import io.swivel.bench.proc.JavaCommand;
import io.swivel.bench.scenario.Versions;
import io.swivel.bench.user.UserSamples;
import io.swivel.client.SwivelClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scaling scenario's parts work against a real {@code swivel serve} process: its
 * many-connection load is answered on every connection without errors, for getUser and for a
 * 1 MB getBody answer (through the proxy), and a generated bundle (plain and with nested libraries) serves its own
 * service. Measures nothing; one server, under a second of load.
 */
@Timeout(180) // a server start took over 90 s on the shared machine once; the test itself takes ~25 s
class ScalingSmokeTest {

    @TempDir
    Path work;

    @Test
    void loadOverManyConnectionsAndGeneratedBundlesServe() throws Exception {
        String classpath = System.getProperty("java.class.path");
        Launcher launcher = new Launcher(JavaCommand.parse("-Xmx256m"), classpath, classpath, BenchBundles.v1(), work);
        try (SwivelServerProcess server = SwivelServerProcess.start(launcher, "scaling-smoke", LoadRuns.SERVER_ARGS)) {
            long pid = server.process().pid();
            byte[] getUser = FrameLoad.request("getUser", new Class<?>[] {long.class}, 42L);
            try (FrameLoad load = new FrameLoad("127.0.0.1", server.rpcPort(), 8, getUser, Duration.ofSeconds(30))) {
                assertThat(load.connections()).isEqualTo(8);
                ServerSample sample = ServerSample.measure(load, pid, 16, Duration.ofMillis(200), Duration.ofSeconds(2));
                assertThat(sample.errors()).as("errors, first: %s", sample.firstError()).isZero();
                assertThat(sample.opsPerSecond()).isPositive();
                assertThat(sample.p99()).isGreaterThanOrEqualTo(sample.p50()).isPositive();
                assertThat(sample.rssKib()).isPositive();
                assertThat(sample.heapKib()).isPositive();
            }
            try (SwivelCalls calls = new SwivelCalls("127.0.0.1", server.rpcPort())) {
                byte[] body = calls.service().getBody(7, 1 << 20); // the body rows' largest answer, through the proxy
                assertThat(body).hasSize(1 << 20).startsWith(0, 0, 0, 0, 0, 0, 0, 7);
                assertThat(body).isEqualTo(UserSamples.body(7, 1 << 20));
            }

            try (GeneratedBundles generated = GeneratedBundles.compile(work.resolve("generated"), 2, BenchBundles.v1());
                 SwivelClient client = SwivelClient.builder().address("127.0.0.1", server.rpcPort()).build()) {
                deploy(server, generated.jar(1, "1.0.0", work.resolve("jars/gen-1.jar")), "gen-1.jar");
                Versions.await(generated.version(client, 1), "1.0.0", Duration.ofSeconds(30));
                Path large = generated.jar(2, "3.0.0", work.resolve("jars/gen-2.jar"), 3, 10_000);
                deploy(server, large, "gen-2.jar");
                Versions.await(generated.version(client, 2), "3.0.0", Duration.ofSeconds(30));
                assertThat(generated.version(client, 1).get()).isEqualTo("1.0.0");
            }
        }
    }

    @Test
    void settingsRefuseLevelsOutOfOrderOrRange() {
        assertThatThrownBy(() -> new ScalingSettings(List.of(1), List.of(100), List.of(20, 1), 1, 1, ScalingSettings.PARTS))
                .hasMessageContaining("--scaling-bundles");
        assertThatThrownBy(() -> new ScalingSettings(List.of(0), List.of(100), List.of(1), 1, 1, ScalingSettings.PARTS))
                .hasMessageContaining("--scaling-connections");
        assertThatThrownBy(() -> new ScalingSettings(List.of(1), List.of(100), List.of(1), 1, 1, List.of("nope")))
                .hasMessageContaining("--scaling-parts");
    }

    private static void deploy(SwivelServerProcess server, Path jar, String fileName) throws Exception {
        Files.move(server.stage(jar, fileName), server.deployDir().resolve(fileName), StandardCopyOption.ATOMIC_MOVE);
    }
}
