package io.swivel.server.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WarmWorkerPoolTest {

    private final WarmWorkerPool pool = new WarmWorkerPool(4, 2, Executors.defaultThreadFactory());

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private Thread runOne() throws Exception {
        CompletableFuture<Thread> ran = new CompletableFuture<>();
        pool.execute(() -> ran.complete(Thread.currentThread()));
        return ran.get(10, TimeUnit.SECONDS);
    }

    /** Runs a call on each of the 4 workers that waits for {@code release}. */
    private void occupyAllWorkers(CountDownLatch release) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(4);
        for (int i = 0; i < 4; i++) {
            pool.execute(() -> {
                running.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aCallGoesToTheWaitingWorkerInsteadOfStartingAnotherBelowTheMaximum() throws Exception {
        Thread first = runOne();
        await().until(() -> pool.waitingWorkers() == 1);

        Thread second = runOne();

        assertThat(second).as("a plain ThreadPoolExecutor starts a second thread here").isSameAs(first);
        assertThat(pool.getLargestPoolSize()).isEqualTo(1);
    }

    @Test
    void workersAreStartedWhenNoneWaitsUpToTheMaximumThenCallsWaitThenAreRefused() throws Exception {
        // also what the pool does with a LinkedBlockingQueue: the bound and refusal are unchanged
        CountDownLatch release = new CountDownLatch(1);
        try {
            occupyAllWorkers(release);
            assertThat(pool.getPoolSize()).isEqualTo(4);
            pool.execute(() -> { });
            pool.execute(() -> { });
            assertThat(pool.getQueue()).hasSize(2);
            assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        } finally {
            release.countDown();
        }
        await().until(() -> pool.getCompletedTaskCount() == 6);
        assertThat(pool.getQueue()).isEmpty();
    }

    @Test
    void shutdownNowReturnsTheWaitingCalls() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        occupyAllWorkers(release);
        Runnable queued = () -> { };
        pool.execute(queued);

        assertThat(pool.shutdownNow()).containsExactly(queued);
    }

    @Test
    void aShutDownPoolRefusesCallsEvenWithAWorkerWaiting() throws Exception {
        runOne();
        await().until(() -> pool.waitingWorkers() == 1);

        pool.shutdown();

        assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void aClosedQueueHandsNothingToAWaitingWorker() throws Exception {
        runOne();
        await().until(() -> pool.waitingWorkers() == 1);
        WarmWorkerQueue queue = (WarmWorkerQueue) pool.getQueue();

        queue.closeHandOffs();

        assertThat(queue.handToWaiting(() -> { })).isFalse();
        assertThat(pool.waitingWorkers()).as("the waiting worker was not taken").isEqualTo(1);
    }
}
