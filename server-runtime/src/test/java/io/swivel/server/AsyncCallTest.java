package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.swivel.client.CallScope;
import io.swivel.client.RemoteServiceException;
import io.swivel.client.SwivelClient;
import io.swivel.client.SwivelException;
import io.swivel.protocol.Status;
import io.swivel.samples.greeter.Greeter;
import io.swivel.server.config.ServerConfig;
import io.swivel.server.probe.Probe;
import io.swivel.server.probe.ProbeBundles;
import io.swivel.server.probe.ProbeBundles.Options;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code client.async(() -> proxy.method(...))} against real servers: the deadline of the scope
 * fails the future as it fails a blocking call, a service's exception arrives as the same
 * {@link RemoteServiceException}, and asynchronous load from one thread fails over to the second
 * server when the first one shuts down mid-run, without a failed call.
 */
@Timeout(120)
class AsyncCallTest {

    private static final Duration WITHIN = Duration.ofSeconds(30); // generous: the machine may be shared by other builds

    @TempDir
    Path root;

    private LiveServer probeServer(Options options) throws Exception {
        Path jar = ProbeBundles.build(root.resolve("work"), root.resolve("work").resolve("probe.jar"), options);
        LiveServer live = LiveServer.start(root.resolve("server"), c -> {
        });
        live.moveIn(jar, "probe.jar");
        Probe probe = live.proxy(Probe.class);
        await().atMost(WITHIN).until(() -> live.server.deployer().status(ProbeBundles.BUNDLE).isPresent()
                && catchThrowable(probe::generationId) == null);
        return live;
    }

    private static Throwable failure(CompletableFuture<?> future) {
        Throwable thrown = catchThrowable(() -> future.get(20, TimeUnit.SECONDS));
        assertThat(thrown).as("the future failed").isInstanceOf(ExecutionException.class);
        return thrown.getCause();
    }

    @Test
    void theDeadlineOfTheScopeFailsTheFutureAsItFailsABlockingCall() throws Exception {
        try (LiveServer live = probeServer(Options.healthy("1"))) {
            Probe probe = live.proxy(Probe.class);
            long start = System.nanoTime();
            CompletableFuture<String> call;
            try (CallScope scope = SwivelClient.withTimeout(Duration.ofMillis(300))) {
                call = live.client.async(() -> probe.hold(1500));
            }
            Throwable async = failure(call);
            long failedAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            Throwable blocking;
            try (CallScope scope = SwivelClient.withTimeout(Duration.ofMillis(300))) {
                blocking = catchThrowable(() -> probe.hold(1500));
            }
            assertThat(async).isExactlyInstanceOf(SwivelException.class)
                    .hasMessageContaining("hold(long) got no answer within its deadline of 300 ms (attempt 1, on 127.0.0.1:");
            assertThat(((SwivelException) async).status()).isEqualTo(Status.DEADLINE_EXCEEDED);
            assertThat(blocking).isExactlyInstanceOf(SwivelException.class).hasMessage(async.getMessage());
            assertThat(failedAfterMillis).as("the scope's 300 ms, not the client's 5 s").isBetween(300L, 4000L);
            // the server's worker is free again once the held calls end: the next async call answers
            assertThat(live.client.async(probe::version).get(20, TimeUnit.SECONDS)).isEqualTo("1");
        }
    }

    @Test
    void aServiceExceptionFailsTheFutureWithTheExceptionABlockingCallThrows() throws Exception {
        try (LiveServer live = probeServer(new Options("1", true, -1, false))) {
            Probe probe = live.proxy(Probe.class);
            Throwable blocking = catchThrowable(probe::version);
            Throwable async = failure(live.client.async(probe::version));
            assertThat(async).isInstanceOfSatisfying(RemoteServiceException.class, e -> {
                assertThat(e.remoteType()).isEqualTo(IllegalStateException.class.getName());
                assertThat(e.remoteMessage()).isEqualTo("probe 1 is broken");
                assertThat(e.remoteStack()).contains("ProbeService.version");
                assertThat(e.status()).isEqualTo(Status.APP_ERROR);
            });
            assertThat(blocking).isExactlyInstanceOf(RemoteServiceException.class).hasMessage(async.getMessage());

            // an unknown version: NOT_FOUND from the server, the same for both
            Probe v2 = live.client.proxy(Probe.class, io.swivel.client.ProxyOptions.defaults().withVersion("2.*"));
            Throwable notFoundBlocking = catchThrowable(v2::version);
            Throwable notFoundAsync = failure(live.client.async(v2::version));
            assertThat(notFoundAsync).isExactlyInstanceOf(SwivelException.class).hasMessage(notFoundBlocking.getMessage());
            assertThat(((SwivelException) notFoundAsync).status()).isEqualTo(Status.NOT_FOUND);
        }
    }

    @Test
    void asyncLoadFromOneThreadFailsOverWhenAServerLeavesMidRun() throws Exception {
        LiveServer a = LiveServer.start(root.resolve("a"), c -> {
            c.zookeeper = ServerConfig.EMBEDDED;
            c.embeddedZkPort = 0;
        });
        a.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
        String zookeeper = a.server.zookeeper().orElseThrow();
        TestBundles.deploy("greeter-v2", root.resolve("b/deploy"), "greeter.jar");
        LiveServer b = LiveServer.start(root.resolve("b"), c -> c.zookeeper = zookeeper);
        // A graceful leave works by GOAWAY and drain, not by heartbeats: a long heartbeat keeps a
        // stall of this shared machine (both servers and the client live in this JVM) from looking
        // like a dead server and failing calls that may have run.
        try (a; b; SwivelClient client = SwivelClient.builder().zookeeper(zookeeper).heartbeat(Duration.ofSeconds(5))
                .build()) {
            Greeter greeter = client.proxy(Greeter.class);
            await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("x").equals("Hello, x (v1)"));
            await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("x").equals("Hello, x (v2)"));

            AtomicLong v1 = new AtomicLong();
            AtomicLong v2 = new AtomicLong();
            AtomicLong v2AfterLeft = new AtomicLong();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            Semaphore window = new Semaphore(64); // calls in flight at once, all issued by this thread
            long bLeftAt = 0;
            CompletableFuture<Void> leaving = null;
            long issued = 0;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (issued < 200_000 && System.nanoTime() < until) {
                if (leaving == null && v1.get() > 500 && v2.get() > 500) {
                    leaving = CompletableFuture.runAsync(b::close); // what SIGTERM runs, mid-run
                } else if (leaving != null && leaving.isDone()) {
                    if (bLeftAt == 0) {
                        bLeftAt = issued;
                    } else if (issued - bLeftAt > 2000) {
                        break;
                    }
                }
                if (!window.tryAcquire(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("64 async calls unanswered for 10 s");
                }
                boolean afterLeft = bLeftAt != 0;
                issued++;
                client.async(() -> greeter.greet("load")).whenComplete((answer, error) -> {
                    if (error != null) {
                        failures.add(error);
                    } else if (answer.endsWith("(v2)")) {
                        v2.incrementAndGet();
                        if (afterLeft) {
                            v2AfterLeft.incrementAndGet();
                        }
                    } else {
                        v1.incrementAndGet();
                    }
                    window.release();
                });
            }
            assertThat(window.tryAcquire(64, 30, TimeUnit.SECONDS)).as("every call answered").isTrue();
            System.out.printf("async failover: %d calls from one thread, 64 in flight; v1 %d, v2 %d, %d failed; "
                    + "B had left after call %d%n", issued, v1.get(), v2.get(), failures.size(), bLeftAt);
            assertThat(leaving).as("B was closed mid-run").isNotNull();
            assertThat(bLeftAt).as("B finished closing within the run").isPositive();
            leaving.get(30, TimeUnit.SECONDS);
            assertThat(failures).as("failed calls out of %d", issued).isEmpty();
            assertThat(v2AfterLeft).as("calls answered by B after it had closed").hasValue(0);
            assertThat(v1.get() + v2.get()).isEqualTo(issued);
        }
    }
}
