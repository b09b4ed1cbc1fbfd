package io.swivel.server.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.BundleState;
import io.swivel.server.internal.bundle.InFlightCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The drain path raced against a rollback, with the drain thread held back until the test lets it go. */
@Timeout(30)
class RetirerTest {

    private static final Duration DRAIN_TIMEOUT = Duration.ofMillis(200);

    @TempDir
    Path root;

    private final FakeHost.Recorder events = new FakeHost.Recorder();
    private final ExecutorService drainThread = Executors.newSingleThreadExecutor();
    private final CountDownLatch letDrainsRun = new CountDownLatch(1);
    private final Retirer retirer = new Retirer(FakeHost::unload, DRAIN_TIMEOUT, events, drainThread);

    @AfterEach
    void close() {
        letDrainsRun.countDown();
        retirer.close();
    }

    @Test
    void aVersionReactivatedBeforeItsDrainStartsKeepsItsRunningCalls() throws Exception {
        BundleGeneration v1 = new FakeHost(root).load(new FakeHost(root).descriptor("greeter", "1"));
        v1.activate();
        AtomicReference<String> abandoned = new AtomicReference<>();
        InFlightCall call = abandoned::set;
        assertThat(v1.tryAcquire(call)).isTrue();
        drainThread.execute(() -> {
            try {
                letDrainsRun.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        v1.startDraining();
        retirer.drainToStandby(v1, "greeter 1 → 2", Duration.ofSeconds(30), () -> events.events.add("standby check"));
        v1.reactivate(); // the admin rolls back to it before the drain thread picks the drain up
        letDrainsRun.countDown();

        await().atMost(Duration.ofSeconds(5)).until(() -> events.events.contains("drained 1"));
        assertThat(abandoned.get()).isNull(); // the drain did not wait for the serving version's own future
        assertThat(v1.state()).isEqualTo(BundleState.ACTIVE);
        assertThat(v1.inFlight()).isEqualTo(1);
        v1.release(call, false);
    }
}
