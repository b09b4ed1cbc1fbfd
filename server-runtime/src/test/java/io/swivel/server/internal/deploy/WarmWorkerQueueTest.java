package io.swivel.server.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.Iterator;
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
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
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
    void theWaitingTasksCanBeRemovedThroughTheIteratorAndDrainedInPart() {
        WarmWorkerQueue queue = new WarmWorkerQueue(4);
        Runnable a = () -> { };
        Runnable b = () -> { };
        Runnable c = () -> { };
        queue.offer(a);
        queue.offer(b);
        queue.offer(c);

        Iterator<Runnable> tasks = queue.iterator();
        tasks.next();
        tasks.next();
        tasks.remove(); // as ThreadPoolExecutor.purge removes a cancelled task
        List<Runnable> drained = new ArrayList<>();

        assertThat(queue.drainTo(drained, 1)).isEqualTo(1);
        assertThat(drained).containsExactly(a);
        assertThat(queue).containsExactly(c);
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
    void withWorkersThatNeverTimeOutNoTaskIsStrandedWhileWorkersWait() throws Exception {
        // no worker leaves and no thread is started after the first 8: a task left in the queue while
        // workers wait (a lost wake-up) is never run, and the count below stays short
        stress(TimeUnit.SECONDS.toMillis(60), false, 64);
    }

    @Test
    void withWorkersTimingOutAndAFullQueueEveryTaskRunsOnceOrIsRefused() throws Exception {
        // workers time out every millisecond while tasks arrive (an offer racing a worker that leaves)
        stress(1, true, 16);
    }

    /** 20,000 tasks from 4 producers to 8 workers: each runs exactly once or is refused, none is lost. */
    private void stress(long keepAliveMillis, boolean timeOut, int capacity) throws Exception {
        int workers = 8;
        int producers = 4;
        int perProducer = 5_000;
        ThreadPoolExecutor pool = new ThreadPoolExecutor(workers, workers, keepAliveMillis, TimeUnit.MILLISECONDS,
                new WarmWorkerQueue(capacity));
        pool.allowCoreThreadTimeOut(timeOut);
        AtomicIntegerArray runs = new AtomicIntegerArray(producers * perProducer);
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch settled = new CountDownLatch(runs.length());
        try {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int base = p * perProducer;
                sent.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < perProducer; i++) {
                        int index = base + i;
                        try {
                            pool.execute(() -> {
                                runs.incrementAndGet(index);
                                settled.countDown();
                            });
                        } catch (RejectedExecutionException e) {
                            refused.incrementAndGet();
                            settled.countDown();
                        }
                    }
                }, takers));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(settled.await(10, TimeUnit.SECONDS)).as("settled %d of %d (%d refused)",
                    runs.length() - settled.getCount(), runs.length(), refused.get()).isTrue();
            int ran = 0;
            for (int i = 0; i < runs.length(); i++) {
                assertThat(runs.get(i)).as("runs of task %d", i).isBetween(0, 1);
                ran += runs.get(i);
            }
            assertThat(ran + refused.get()).isEqualTo(runs.length());
            assertThat(pool.getQueue()).isEmpty();
        } catch (ExecutionException e) {
            throw new AssertionError("a producer failed", e.getCause());
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
