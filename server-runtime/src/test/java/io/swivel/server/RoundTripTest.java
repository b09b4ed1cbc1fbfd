package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swivel.client.RemoteServiceException;
import io.swivel.client.SwivelClient;
import io.swivel.client.SwivelException;
import io.swivel.protocol.Status;
import io.swivel.samples.greeter.Greeter;
import io.swivel.samples.greeter.GreetingException;
import io.swivel.samples.greeter.Greeting;
import io.swivel.samples.greeter.Person;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A typed proxy calls the sample greeter bundle over a real socket, sync and async. */
@Timeout(60)
class RoundTripTest {

    @TempDir
    static Path root;

    static SwivelServer server;
    static SwivelClient client;
    static Greeter greeter;

    @BeforeAll
    static void start() throws Exception {
        TestBundles.deploy("greeter-v1", root.resolve("deploy"), "greeter.jar");
        server = SwivelServer.start(TestBundles.config(root));
        client = SwivelClient.builder().address("127.0.0.1", server.rpcAddress().getPort()).build();
        greeter = client.proxy(Greeter.class);
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void synchronousCallReturnsTheBundlesAnswer() {
        assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v1)");
        assertThat(greeter.version()).isEqualTo("1.0.0");
    }

    @Test
    void recordArgumentAndDtoResultTravel() {
        Instant before = Instant.now().minusSeconds(1);
        Greeting greeting = greeter.welcome(new Person("Ada", "en"));
        assertThat(greeting.getText()).isEqualTo("Welcome, Ada (v1)");
        assertThat(greeting.getVersion()).isEqualTo("1.0.0");
        assertThat(greeting.getAt()).isAfter(before);
    }

    @Test
    void nullArgumentTravels() {
        assertThat(greeter.greet(null)).isEqualTo("Hello, null (v1)");
    }

    @Test
    void asynchronousCallCompletesOffTheCallerThread() throws Exception {
        CompletableFuture<String> future = greeter.greetAsync("Bob");
        assertThat(future.get(10, TimeUnit.SECONDS)).isEqualTo("Hello, Bob (v1)");
        String thread = future.thenApply(x -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS);
        assertThat(thread).doesNotContain("swivel-client-io");
    }

    @Test
    void serviceExceptionArrivesAsAppErrorWithRemoteDetails() {
        assertThatThrownBy(() -> greeter.fail("the moon is down"))
                .isInstanceOfSatisfying(RemoteServiceException.class, e -> {
                    assertThat(e.status()).isEqualTo(Status.APP_ERROR);
                    assertThat(e.remoteType()).isEqualTo(GreetingException.class.getName());
                    assertThat(e.remoteMessage()).isEqualTo("the moon is down");
                    assertThat(e.remoteStack()).contains("GreeterV1.fail");
                    assertThat(e.getMessage()).contains("GreetingException").contains("the moon is down");
                });
    }

    @Test
    void manyConcurrentCallsShareOneConnection() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> sync = new ArrayList<>();
            List<CompletableFuture<String>> async = new ArrayList<>();
            // What is tested is that 800 calls share one connection, not how fast they come back:
            // on a loaded machine the last of 800 at once may take longer than the 5 s default.
            Duration deadline = Duration.ofSeconds(30);
            for (int i = 0; i < 400; i++) {
                String name = "n" + i;
                sync.add(threads.submit(() -> {
                    try (var scope = SwivelClient.withTimeout(deadline)) {
                        return greeter.greet(name);
                    }
                }));
                try (var scope = SwivelClient.withTimeout(deadline)) {
                    async.add(greeter.greetAsync(name));
                }
            }
            for (int i = 0; i < 400; i++) {
                assertThat(sync.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("Hello, n" + i + " (v1)");
                assertThat(async.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("Hello, n" + i + " (v1)");
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void unknownServiceIsNotFoundAndNamesWhatExists() {
        Missing missing = client.proxy(Missing.class);
        assertThatThrownBy(missing::anything)
                .isInstanceOfSatisfying(SwivelException.class, e -> {
                    assertThat(e.status()).isEqualTo(Status.NOT_FOUND);
                    assertThat(e.getMessage()).contains(Missing.class.getName()).contains(TestBundles.GREETER);
                });
    }

    @Test
    void perCallTimeoutOverridesTheDefault() {
        try (var scope = SwivelClient.withTimeout(Duration.ofSeconds(2))) {
            assertThat(greeter.greet("Eve")).isEqualTo("Hello, Eve (v1)");
        }
    }

    @Test
    void connectionRefusedIsAClearError() {
        try (SwivelClient nowhere = SwivelClient.builder().address("127.0.0.1", freePort()).build()) {
            assertThatThrownBy(() -> nowhere.proxy(Greeter.class).greet("x"))
                    .isInstanceOf(SwivelException.class)
                    .hasMessageContaining("cannot connect to 127.0.0.1");
        }
    }

    private static int freePort() {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A service nobody serves. */
    public interface Missing {
        String anything();
    }
}
