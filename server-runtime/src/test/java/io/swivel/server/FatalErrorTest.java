package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.swivel.client.SwivelException;
import io.swivel.protocol.Status;
import io.swivel.server.fatal.Fatal;
import io.swivel.server.fatal.FatalBundles;
import io.swivel.server.internal.health.ServerHealth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link VirtualMachineError} thrown by bundle code ends its call only: an
 * {@link OutOfMemoryError} or {@link StackOverflowError} in a method, in a method's future, or
 * while its answer is encoded is answered {@code INTERNAL} with the error, counted in
 * {@code swivel_call_fatal_errors_total}, logged once per kind (not a line per call in a storm),
 * and marks the server degraded until the recovery window passes; the same worker (or, with
 * {@code Swivel-Dispatch: direct}, the same I/O thread) serves the next call.
 */
@Timeout(120)
class FatalErrorTest {

    private static final String FATALS = "swivel_call_fatal_errors_total";
    private static final String OOM = "Java heap space (thrown by the test)";

    @TempDir
    Path root;

    private final ManualClock clock = new ManualClock();
    @RegisterExtension
    final CapturedLogs logs = new CapturedLogs();

    private LiveServer serve(Map<String, String> attributes) throws Exception {
        FatalBundles.build(root.resolve("work"), root.resolve("deploy").resolve("fatal.jar"), attributes);
        return LiveServer.start(root, c -> c.workerThreads = 1, clock); // one worker: the next call is on the same pool
    }

    private static SwivelException internal(Runnable call) {
        SwivelException thrown = null;
        try {
            call.run();
        } catch (SwivelException e) {
            thrown = e;
        }
        assertThat(thrown).as("the call failed with an answer").isNotNull();
        assertThat(thrown.status()).as(thrown.getMessage()).isEqualTo(Status.INTERNAL);
        return thrown;
    }

    private static double fatals(LiveServer live, String error) {
        return new AdminHttp(live.server).scrape().find(FATALS, "bundle", FatalBundles.BUNDLE, "version", "1.0.0",
                "error", error).orElse(0.0);
    }

    private List<ILoggingEvent> reports(String containing) {
        return logs.events("FatalErrors", containing);
    }

    @Test
    void anOutOfMemoryErrorIsAnsweredCountedLoggedAndTheSameWorkerServesTheNextCall() throws Exception {
        try (LiveServer live = serve(Map.of())) {
            Fatal fatal = live.proxy(Fatal.class);
            String worker = fatal.thread();
            assertThat(worker).startsWith("swivel-fatal-1.0.0-call-");
            assertThat(live.server.health().status().degraded()).isFalse();

            SwivelException answer = internal(() -> fatal.outOfMemory(OOM));
            assertThat(answer.getMessage()).contains("OutOfMemoryError in outOfMemory(java.lang.String) of fatal 1.0.0: " + OOM)
                    .contains("the server keeps serving");

            assertThat(fatals(live, "OutOfMemoryError")).isEqualTo(1);
            assertThat(new AdminHttp(live.server).scrape().value("swivel_calls_total", "method",
                    "outOfMemory(java.lang.String)", "status", "INTERNAL")).isEqualTo(1);
            ServerHealth.Status health = live.server.health().status();
            assertThat(health.degraded()).isTrue();
            assertThat(health.reason()).contains("OutOfMemoryError in outOfMemory(java.lang.String) of fatal 1.0.0");
            assertThat(reports("OutOfMemoryError in outOfMemory")).singleElement()
                    .satisfies(e -> assertThat(e.getFormattedMessage()).contains("fatal 1.0.0").contains(OOM)
                            .contains("answered INTERNAL").contains("io.swivel.server.fatal.impl.FatalService.outOfMemory(FatalService.java"));

            assertThat(fatal.hello("Ada")).isEqualTo("Hello, Ada");
            assertThat(fatal.thread()).as("the worker lived on (a replacement would have another number)").isEqualTo(worker);

            clock.advance(SwivelServer.HEALTH_RECOVERY.minusSeconds(1));
            assertThat(live.server.health().status().degraded()).as("still recovering").isTrue();
            clock.advance(Duration.ofSeconds(2));
            assertThat(live.server.health().status().degraded()).as("the recovery window passed").isFalse();
        }
    }

    @Test
    void aStormIsCountedCallByCallButLoggedOncePerWindow() throws Exception {
        int storm = 200;
        try (LiveServer live = serve(Map.of())) {
            Fatal fatal = live.proxy(Fatal.class);
            for (int i = 0; i < storm; i++) {
                internal(() -> fatal.outOfMemory(OOM));
            }
            assertThat(fatals(live, "OutOfMemoryError")).isEqualTo(storm);
            assertThat(reports("OutOfMemoryError in outOfMemory")).hasSize(1);

            clock.advance(Duration.ofMinutes(1));
            internal(() -> fatal.outOfMemory(OOM));
            assertThat(reports("OutOfMemoryError in outOfMemory")).hasSize(2).last()
                    .satisfies(e -> assertThat(e.getFormattedMessage())
                            .contains("(" + (storm - 1) + " more like it since the last report, not logged)"));
            assertThat(fatal.hello("Ada")).isEqualTo("Hello, Ada");
        }
    }

    @Test
    void aStackOverflowAFailedFutureAndAnAnswerThatCannotBeEncodedAreAnsweredToo() throws Exception {
        try (LiveServer live = serve(Map.of())) {
            Fatal fatal = live.proxy(Fatal.class);
            String worker = fatal.thread();

            assertThat(internal(() -> fatal.recurse(0)).getMessage())
                    .contains("StackOverflowError in recurse(int) of fatal 1.0.0");
            assertThat(fatals(live, "StackOverflowError")).isEqualTo(1);

            assertThatThrownBy(() -> fatal.outOfMemoryLater(OOM).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(SwivelException.class)
                    .hasMessageContaining("OutOfMemoryError in outOfMemoryLater(java.lang.String) of fatal 1.0.0")
                    .satisfies(e -> assertThat(((SwivelException) e).status()).isEqualTo(Status.INTERNAL));

            assertThat(internal(() -> fatal.unencodable(OOM)).getMessage())
                    .contains("OutOfMemoryError while encoding the answer of unencodable(java.lang.String) of fatal 1.0.0: "
                            + OOM);
            assertThat(fatals(live, "OutOfMemoryError")).isEqualTo(2);
            assertThat(live.server.health().status().reason()).contains("while encoding the answer of unencodable");

            assertThat(fatal.hello("Ada")).isEqualTo("Hello, Ada");
            assertThat(fatal.thread()).isEqualTo(worker);
        }
    }

    @Test
    void withDirectDispatchTheIoThreadSurvivesAndServesTheNextCall() throws Exception {
        try (LiveServer live = serve(Map.of("Swivel-Dispatch", "direct"))) {
            Fatal fatal = live.proxy(Fatal.class);
            String ioThread = fatal.thread();
            assertThat(ioThread).startsWith("swivel-rpc-io-");

            assertThat(internal(() -> fatal.outOfMemory(OOM)).getMessage())
                    .contains("OutOfMemoryError in outOfMemory(java.lang.String) of fatal 1.0.0");
            assertThat(fatal.thread()).as("the same connection, the same I/O thread").isEqualTo(ioThread);
            assertThat(internal(() -> fatal.recurse(0)).getMessage()).contains("StackOverflowError in recurse(int)");
            assertThat(fatal.hello("Ada")).isEqualTo("Hello, Ada");
            assertThat(fatal.thread()).isEqualTo(ioThread);

            assertThat(fatals(live, "OutOfMemoryError")).isEqualTo(1);
            assertThat(fatals(live, "StackOverflowError")).isEqualTo(1);
            assertThat(live.server.health().status().degraded()).isTrue();
        }
    }

    @Test
    void anArgumentTypeWhoseStaticInitialiserThrowsIsAnsweredInternalAndReleasesItsInFlightSlot() throws Exception {
        int maxInFlight = 2;
        FatalBundles.build(root.resolve("work"), root.resolve("deploy").resolve("fatal.jar"), Map.of());
        try (LiveServer live = LiveServer.start(root, c -> {
            c.workerThreads = 1;
            c.limits = c.limits.with(l -> l.maxInFlightPerConnection = maxInFlight);
        }, clock)) {
            Fatal fatal = live.proxy(Fatal.class);
            String worker = fatal.thread();
            // the first call fails in the static initialiser, the next ones with NoClassDefFoundError; more
            // calls than the in-flight cap: a slot not released would stop the connection being read
            for (int i = 0; i < maxInFlight * 3; i++) {
                assertThat(internal(() -> fatal.open(new io.swivel.server.fatal.FatalParcel("x"))).getMessage())
                        .contains("open(io.swivel.server.fatal.FatalParcel)")
                        .contains("cannot be loaded or initialised")
                        .contains(i == 0 ? "ExceptionInInitializerError" : "FatalParcel");
            }
            assertThat(fatal.hello("Ada")).isEqualTo("Hello, Ada");
            assertThat(fatal.thread()).as("the worker lived on").isEqualTo(worker);
        }
    }
}
