package io.swivel.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swivel.client.SwivelClient;
import io.swivel.samples.greeter.Greeter;
import io.swivel.systest.SystestBundles.Fault;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad bundles never serve and never disturb the version that serves: one real server process
 * serving the sample greeter v1, and for each kind of bad jar a replacement of {@code greeter.jar}
 * (or a second bundle) that must end {@code .failed} with its cause in the marker and in
 * {@code swivel status}, while a caller thread keeps getting v1's answer.
 */
@Timeout(120)
class BadBundlesTest {

    private static final String JAR = "greeter.jar";
    private static final String V1 = "Hello, Ada (v1)";
    private static final String V2 = "Hello, Ada (v2)";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path root;

    static ServerProcess server;
    static SwivelClient client;
    static Greeter greeter;
    Caller caller;

    @BeforeAll
    static void startServer() throws Exception {
        Path deploy = root.resolve("bad-bundles/deploy");
        Files.createDirectories(deploy);
        Files.copy(SystestBundles.sample("greeter-v1"), deploy.resolve(JAR));
        server = ServerProcess.start("bad-bundles", deploy, root.resolve("bad-bundles/data"), "none",
                java.util.List.of("--probation", "0s", "--drain-timeout", "5s", "--step-timeout", "2s",
                        "--stalled-after", "3s"));
        client = SwivelClient.builder().address("127.0.0.1", server.rpc().getPort()).build();
        greeter = client.proxy(Greeter.class);
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
    void callThroughout(TestInfo test) {
        assertThat(greeter.greet("Ada")).isEqualTo(V1);
        caller = Caller.start(test.getTestMethod().orElseThrow().getName(), () -> greeter.greet("Ada"), Set.of(V1));
    }

    @AfterEach
    void v1AnsweredEveryCall(TestInfo test) throws Exception {
        caller.close();
        System.out.printf("SYSTEST bad-bundles %s: %d calls during it, %d problems%n",
                test.getTestMethod().orElseThrow().getName(), caller.calls(), caller.problems().size());
        assertThat(caller.problems()).as("calls during the bad deployment").isEmpty();
        assertThat(caller.calls()).isPositive();
    }

    @Test
    void corruptZip() throws Exception {
        Path good = SystestBundles.greeter(root.resolve("work"), "greeter", "9.1.0", Fault.NONE);
        Path corrupt = root.resolve("work/corrupt.jar");
        byte[] bytes = Files.readAllBytes(good);
        int entry = indexOf(bytes, "io/swivel/systest/greeter/BadGreeter.class".getBytes());
        int data = entry + "io/swivel/systest/greeter/BadGreeter.class".length();
        Arrays.fill(bytes, data, data + 200, (byte) 0x5A); // the class's compressed bytes, not the zip directory
        Files.write(corrupt, bytes);
        assertRefused(JAR, corrupt, "greeter 9.1.0");
    }

    @Test
    void emptyFile() throws Exception {
        Path empty = Files.createFile(root.resolve("work-empty.jar"));
        assertRefused(JAR, empty, "incomplete (its zip directory does not read)", "has not changed for 3 s");
    }

    @Test
    void halfCopiedJarServesOnlyOnceComplete() throws Exception {
        byte[] v2 = Files.readAllBytes(SystestBundles.sample("greeter-v2"));
        Path jar = server.deployDir().resolve(JAR);
        ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
        try (OutputStream out = Files.newOutputStream(jar, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            int half = v2.length / 2;
            out.write(v2, 0, half); // a slow cp, in place: half the jar, then nothing for a while
            out.flush();
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(server.marker(JAR, ".pending")));
            assertThat(greeter.greet("Ada")).as("the half-written jar was not loaded").isEqualTo(V1);
            // the rest in pieces, 100 ms apart
            int pieces = 4;
            int size = (v2.length - half + pieces - 1) / pieces;
            CompletableFuture<Void> written = new CompletableFuture<>();
            for (int i = 0; i < pieces; i++) {
                int from = half + i * size;
                int to = Math.min(v2.length, from + size);
                boolean last = i == pieces - 1;
                writer.schedule(() -> {
                    try {
                        if (last) {
                            caller.allow(Set.of(V1, V2));
                        }
                        out.write(v2, from, to - from);
                        out.flush();
                        if (last) {
                            written.complete(null);
                        }
                    } catch (Exception e) {
                        written.completeExceptionally(e);
                    }
                }, 100L * (i + 1), TimeUnit.MILLISECONDS);
            }
            written.get(30, TimeUnit.SECONDS);
        } finally {
            writer.shutdownNow();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> server.markerText(JAR, ".deployed").contains("version: 2.0.0\n"));
        assertThat(greeter.greet("Ada")).isEqualTo(V2);
        assertThat(server.marker(JAR, ".pending")).doesNotExist();
        server.moveIn(SystestBundles.sample("greeter-v1"), JAR); // back to v1 for the other tests
        await().atMost(Duration.ofSeconds(20)).until(() -> server.markerText(JAR, ".deployed").contains("version: 1.0.0\n"));
    }

    @Test
    void halfCopiedJarLeftTruncatedFails() throws Exception {
        byte[] v2 = Files.readAllBytes(SystestBundles.sample("greeter-v2"));
        Path truncated = root.resolve("work-truncated.jar");
        Files.write(truncated, Arrays.copyOf(v2, v2.length / 2));
        assertRefused(JAR, truncated, "incomplete (its zip directory does not read)");
    }

    @Test
    void missingClass() throws Exception {
        assertRefused(JAR, SystestBundles.greeter(root.resolve("work"), "greeter", "9.2.0", Fault.MISSING_CLASS),
                "greeter 9.2.0", "NoClassDefFoundError", "io/swivel/systest/greeter/Helper");
    }

    @Test
    void staticInitializerThrows() throws Exception {
        assertRefused(JAR, SystestBundles.greeter(root.resolve("work"), "greeter", "9.3.0", Fault.STATIC_INIT_THROWS),
                "greeter 9.3.0", "ExceptionInInitializerError", "greeter 9.3.0 static initializer: no configuration");
    }

    @Test
    void activatorThrows() throws Exception {
        assertRefused(JAR, SystestBundles.sample("greeter-broken"),
                "greeter 3.0.0", "refuses to start: this sample fails on purpose");
    }

    @Test
    void activatorHangs() throws Exception {
        long start = System.nanoTime();
        assertRefused(JAR, SystestBundles.greeter(root.resolve("work"), "greeter", "9.4.0", Fault.ACTIVATOR_HANGS),
                "greeter 9.4.0", "start activator io.swivel.systest.greeter.BadActivator did not finish within 2000 ms");
        System.out.printf("SYSTEST bad-bundles activatorHangs: refused %d ms after the jar was renamed in (step timeout 2 s)%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    @Test
    void healthCheckFails() throws Exception {
        assertRefused(JAR, SystestBundles.greeter(root.resolve("work"), "greeter", "9.5.0", Fault.HEALTH_FAILS),
                "greeter 9.5.0", "health check failed: greeter 9.5.0 cannot reach its database");
    }

    @Test
    void serviceAlreadyServedByAnotherBundle() throws Exception {
        Path intruder = SystestBundles.greeter(root.resolve("work"), "intruder", "1.0.0", Fault.NONE);
        try {
            assertRefused("intruder.jar", intruder, "intruder 1.0.0",
                    "service " + SystestBundles.GREETER + " is already served by bundle greeter");
        } finally {
            Files.deleteIfExists(server.deployDir().resolve("intruder.jar"));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> !Files.exists(server.marker("intruder.jar", ".failed")));
    }

    @Test
    void apiJarMissing() throws Exception {
        assertRefused(JAR, SystestBundles.greeter(root.resolve("work"), "greeter", "9.6.0", Fault.API_MISSING),
                "greeter 9.6.0", "NoClassDefFoundError", "io/swivel/samples/greeter/Greeter");
    }

    /**
     * Renames a bad jar in and checks that it ends {@code .failed} with the expected cause (in the
     * marker, in {@code GET /v1/bundles/{name}} and in {@code swivel status}) while v1 serves.
     */
    private static void assertRefused(String jarName, Path badJar, String... cause) throws Exception {
        String before = server.markerText(jarName, ".failed");
        server.moveIn(badJar, jarName);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            String marker = server.markerText(jarName, ".failed");
            assertThat(marker).isNotEqualTo(before);
            assertThat(marker).contains(cause);
        });
        String marker = server.markerText(jarName, ".failed");
        assertThat(marker).contains("serving instead: " + (jarName.equals(JAR) ? "greeter 1.0.0" : "nothing"));
        for (String other : new String[] {".deployed", ".rolledback", ".pending"}) {
            assertThat(server.marker(jarName, other)).as("only .failed is beside " + jarName).doesNotExist();
        }
        String bundle = jarName.substring(0, jarName.length() - ".jar".length());
        ServerProcess.Reply reply = server.get("/v1/bundles/" + bundle);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        JsonNode view = JSON.readTree(reply.body());
        assertThat(view.path("lastError").asText()).contains(cause[cause.length - 1]);
        JsonNode greeterView = JSON.readTree(server.get("/v1/bundles/greeter").body());
        assertThat(greeterView.path("active").path("version").asText()).isEqualTo("1.0.0");
        ServerProcess.Cli status = server.cli("status");
        assertThat(status.status()).as(status.err()).isZero();
        assertThat(status.out()).contains("last error").contains(cause[cause.length - 1]);
        assertThat(greeter.greet("Ada")).isEqualTo(V1);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("not found");
    }
}
