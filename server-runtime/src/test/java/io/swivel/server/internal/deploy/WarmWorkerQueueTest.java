package io.swivel.server.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WarmWorkerQueueTest {

    private final ExecutorService takers = Executors.newCachedThreadPool();

    @AfterEach
    void stopTakers() throws InterruptedException {
        takers.shutdownNow();
        assertThat(takers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private CompletableFuture<Runnable> takeWhenWaiting(WarmWorkerQueue queue, int waitingThen) {
        CompletableFuture<Runnable> taken = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, takers);
        await().until(() -> queue.waiting() == waitingThen);
        return taken;
    }

    @Test
    void eachTaskGoesToTheWorkerThatWentIdleLast() throws Exception {
        WarmWorkerQueue queue = new WarmWorkerQueue(4);
        CompletableFuture<Runnable> first = takeWhenWaiting(queue, 1);
        CompletableFuture<Runnable> second = takeWhenWaiting(queue, 2);
        CompletableFuture<Runnable> third = takeWhenWaiting(queue, 3);
        Runnable a = () -> { };
        Runnable b = () -> { };

        assertThat(queue.offer(a)).isTrue();
        assertThat(queue.offer(b)).isTrue();
        assertThat(queue.waiting()).as("each task went to a waiting worker of its own").isEqualTo(1);

        assertThat(third.get(10, TimeUnit.SECONDS)).isSameAs(a);
        assertThat(second.get(10, TimeUnit.SECONDS)).isSameAs(b);
        assertThat(first).isNotDone();
        assertThat(queue.waiting()).isEqualTo(1);
        assertThat(queue.size()).isZero();
    }

    @Test
    void withNoWorkerWaitingTasksWaitInOrderUpToTheCapacity() throws Exception {
        WarmWorkerQueue queue = new WarmWorkerQueue(2);
        Runnable a = () -> { };
        Runnable b = () -> { };

        assertThat(queue.offer(a)).isTrue();
        assertThat(queue.offer(b)).isTrue();
        assertThat(queue.offer(() -> { })).as("a full backlog refuses").isFalse();
        assertThat(queue.remainingCapacity()).isZero();
        assertThat(queue.take()).as("a worker takes the oldest waiting task before it waits").isSameAs(a);
        assertThat(queue.poll(0, TimeUnit.SECONDS)).isSameAs(b);
        assertThat(queue.waiting()).isZero();
        assertThat(queue.remainingCapacity()).isEqualTo(2);
    }

    @Test
    void aWorkerThatTimesOutNoLongerWaitsAndTheNextTaskIsKept() throws Exception {
        WarmWorkerQueue queue = new WarmWorkerQueue(1);

        assertThat(queue.poll(20, TimeUnit.MILLISECONDS)).isNull();
        assertThat(queue.waiting()).isZero();
        Runnable task = () -> { };
        assertThat(queue.offer(task)).isTrue();
        assertThat(queue.size()).as("no worker waits: the task waits for one").isEqualTo(1);
        assertThat(queue.poll()).isSameAs(task);
    }

    @Test
    void anInterruptedWorkerLeavesTheIdleWorkers() throws Exception {
        WarmWorkerQueue queue = new WarmWorkerQueue(1);
        CompletableFuture<Thread> waiter = new CompletableFuture<>();
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            waiter.complete(Thread.currentThread());
            try {
                return queue.take() == null ? new AssertionError("no task") : new AssertionError("a task");
            } catch (InterruptedException e) {
                return e;
            }
        }, takers);
        await().until(() -> queue.waiting() == 1);

        waiter.get(10, TimeUnit.SECONDS).interrupt();

        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(queue.waiting()).isZero();
        assertThat(queue.offer(() -> { })).isTrue();
        assertThat(queue.size()).isEqualTo(1);
    }

    @Test
    void inAPoolABusyPoolQueuesUpToTheCapacityThenRefusesAndShutdownNowReturnsTheQueued() throws Exception {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new WarmWorkerQueue(1));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(2);
        try {
            for (int i = 0; i < 2; i++) {
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
            Runnable queued = () -> { };
            pool.execute(queued);
            assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);

            assertThat(pool.shutdownNow()).containsExactly(queued);
        } finally {
            release.countDown();
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void manyProducersAndWorkersLoseNoTaskAndRunNoneTwice() throws Exception {
        int workers = 8;
        int producers = 4;
        int perProducer = 5_000;
        ThreadPoolExecutor pool = new ThreadPoolExecutor(workers, workers, 10, TimeUnit.MILLISECONDS,
                new WarmWorkerQueue(producers * perProducer));
        pool.allowCoreThreadTimeOut(true); // workers time out and come back while tasks arrive: the races of leaving
        int[] runs = new int[producers * perProducer];
        AtomicInteger done = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(runs.length);
        try {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int base = p * perProducer;
                sent.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        int index = base + i;
                        pool.execute(() -> {
                            synchronized (runs) {
                                runs[index]++;
                            }
                            done.incrementAndGet();
                            all.countDown();
                        });
                    }
                }, takers));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            assertThat(all.await(20, TimeUnit.SECONDS)).as("ran %d of %d", done.get(), runs.length).isTrue();
            synchronized (runs) {
                for (int i = 0; i < runs.length; i++) {
                    assertThat(runs[i]).as("runs of task %d", i).isEqualTo(1);
                }
            }
        } catch (ExecutionException e) {
            throw new AssertionError("a producer failed", e.getCause());
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
