package io.swivel.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link CompletionLane} with an executor and a timer the test runs by hand (the batching, the
 * spread, the check for a blocked drainer, refusals) and with a real thread pool (a callback
 * that waits on an answer queued behind it, and many producers at once).
 */
@Timeout(60)
class CompletionLaneTest {

    /** Keeps the tasks given to it; the test runs them. */
    private static final class HeldTasks implements java.util.concurrent.Executor {
        final List<Runnable> tasks = new ArrayList<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        /** Runs every task given, also those given while they run. */
        void runAll() {
            for (int i = 0; i < tasks.size(); i++) {
                tasks.get(i).run();
            }
        }
    }

    /** Keeps the checks scheduled; the test fires them. */
    private static final class HeldTimer implements CompletionLane.Timer {
        final ConcurrentLinkedQueue<Runnable> checks = new ConcurrentLinkedQueue<>();

        @Override
        public void schedule(Runnable task, long delayNanos) {
            assertThat(delayNanos).isEqualTo(CompletionLane.STALL_NANOS);
            checks.add(task);
        }

        /** Fires the checks scheduled so far (not those they schedule). */
        void fireAll() {
            List<Runnable> due = new ArrayList<>(checks);
            checks.clear();
            due.forEach(Runnable::run);
        }
    }

    /** A completion that records its run (or refusal) in a shared list, and may run something. */
    private static final class Recorded implements CompletionLane.Completion {
        final String name;
        final List<String> log;
        final Runnable body;

        Recorded(String name, List<String> log, Runnable body) {
            this.name = name;
            this.log = log;
            this.body = body;
        }

        @Override
        public void run() {
            body.run();
            log.add(name);
        }

        @Override
        public void refused(RejectedExecutionException cause) {
            log.add("refused " + name);
        }
    }

    private final List<ExecutorService> pools = new ArrayList<>();

    @AfterEach
    void shutdown() {
        pools.forEach(ExecutorService::shutdownNow);
    }

    private ExecutorService cachedPool() {
        ExecutorService pool = Executors.newCachedThreadPool();
        pools.add(pool);
        return pool;
    }

    @Test
    void answersQueuedBeforeTheDrainerRunsAreRunByItInOrder() {
        HeldTasks executor = new HeldTasks();
        CompletionLane lane = new CompletionLane(executor, new HeldTimer(), 4);
        List<String> log = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            lane.execute(new Recorded("a" + i, log, () -> { }));
        }
        assertThat(executor.tasks).as("one hand-off to the executor for ten answers").hasSize(1);
        assertThat(lane.drainers()).isEqualTo(1);

        executor.tasks.get(0).run();
        assertThat(log).containsExactly("a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9");
        assertThat(lane.drainers()).isZero();

        lane.execute(new Recorded("b", log, () -> { }));
        assertThat(executor.tasks).as("an idle lane starts a drainer for the next answer").hasSize(2);
        executor.tasks.get(1).run();
        assertThat(log).endsWith("b");
    }

    @Test
    void aLongQueueGetsOneMoreDrainerPerSpreadUpToTheLimit() {
        HeldTasks executor = new HeldTasks();
        CompletionLane lane = new CompletionLane(executor, new HeldTimer(), 2);
        List<String> log = new ArrayList<>();
        for (int i = 0; i < CompletionLane.SPREAD; i++) {
            lane.execute(new Recorded("a" + i, log, () -> { }));
        }
        assertThat(executor.tasks).hasSize(1);
        lane.execute(new Recorded("over", log, () -> { }));
        assertThat(executor.tasks).as("past %d waiting per drainer, a second one", CompletionLane.SPREAD).hasSize(2);
        for (int i = 0; i < 4 * CompletionLane.SPREAD; i++) {
            lane.execute(new Recorded("b" + i, log, () -> { }));
        }
        assertThat(executor.tasks).as("never more than the limit because of the queue's length").hasSize(2);

        executor.runAll();
        assertThat(log).hasSize(5 * CompletionLane.SPREAD + 1);
    }

    @Test
    void aCheckStartsAnotherDrainerOnlyWhenNoAnswerWasTakenAndEveryDrainerIsInACallback() throws Exception {
        HeldTasks executor = new HeldTasks();
        HeldTimer timer = new HeldTimer();
        CompletionLane lane = new CompletionLane(executor, timer, 4);
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch aEntered = new CountDownLatch(1);
        CountDownLatch releaseA = new CountDownLatch(1);
        lane.execute(new Recorded("a", log, () -> {
            aEntered.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> releaseA.getCount() == 0);
        }));
        assertThat(timer.checks).as("no drainer ran yet: nothing to watch").isEmpty();
        lane.execute(new Recorded("b", log, () -> { }));
        assertThat(timer.checks).as("an answer queued while a drainer is on its way arms the check").hasSize(1);
        lane.execute(new Recorded("c", log, () -> { }));
        assertThat(timer.checks).as("one check at a time").hasSize(1);

        timer.fireAll();
        assertThat(executor.tasks).as("the drainer still waits for a thread: no second one").hasSize(1);
        assertThat(timer.checks).as("answers still wait: the check is armed again").hasSize(1);

        Thread first = new Thread(executor.tasks.get(0), "first drainer");
        first.start();
        assertThat(aEntered.await(10, TimeUnit.SECONDS)).isTrue();
        timer.fireAll();
        assertThat(executor.tasks).as("a was taken since the check was armed").hasSize(1);
        timer.fireAll();
        assertThat(executor.tasks).as("nothing taken since, and the one drainer is inside a callback").hasSize(2);
        executor.tasks.get(1).run(); // takes b and c while a's callback still blocks
        assertThat(log).containsExactly("b", "c");
        releaseA.countDown();
        first.join(TimeUnit.SECONDS.toMillis(20));
        assertThat(first.isAlive()).as("the first drainer finished").isFalse();
        assertThat(log).containsExactly("b", "c", "a");
        timer.fireAll();
        assertThat(timer.checks).as("the queue is empty: no check armed").isEmpty();
        assertThat(lane.drainers()).isZero();

        lane.execute(new Recorded("d", log, () -> { }));
        lane.execute(new Recorded("e", log, () -> { }));
        Thread second = new Thread(executor.tasks.get(2), "third drainer");
        second.start();
        second.join(TimeUnit.SECONDS.toMillis(20));
        assertThat(second.isAlive()).as("the third drainer finished").isFalse();
        timer.fireAll();
        assertThat(executor.tasks).as("d and e were taken after the check was armed").hasSize(3);
        assertThat(log).endsWith("d", "e");
    }

    @Test
    void onceTheTimerIsGoneADrainerStartsWhereACheckWouldHaveBeenArmed() {
        HeldTasks executor = new HeldTasks();
        HeldTimer timer = new HeldTimer();
        CompletionLane lane = new CompletionLane(executor, timer, 4);
        List<String> log = new ArrayList<>();
        lane.execute(new Recorded("a", log, () -> { }));
        lane.execute(new Recorded("b", log, () -> { }));
        assertThat(timer.checks).hasSize(1);
        timer.checks.clear(); // what shutting the event loops down does to the check armed

        lane.timerGone();
        assertThat(executor.tasks).as("answers wait: a drainer at once").hasSize(2);
        lane.execute(new Recorded("c", log, () -> { }));
        assertThat(executor.tasks).as("and for the next answer, instead of a check").hasSize(3);
        assertThat(timer.checks).isEmpty();
        executor.runAll();
        assertThat(log).containsExactly("a", "b", "c");
    }

    @Test
    void aRefusedExtraDrainerRefusesNothingWhileAnotherIsLeftToTakeTheQueue() {
        HeldTasks held = new HeldTasks();
        java.util.concurrent.Executor oneTaskAtATime = task -> {
            if (held.tasks.size() == 1) {
                throw new RejectedExecutionException("bounded pool full");
            }
            held.execute(task);
        };
        CompletionLane lane = new CompletionLane(oneTaskAtATime, new HeldTimer(), 2);
        List<String> log = new ArrayList<>();
        for (int i = 0; i <= CompletionLane.SPREAD; i++) {
            lane.execute(new Recorded("a" + i, log, () -> { }));
        }
        assertThat(log).as("the first drainer is still coming for them").isEmpty();
        held.tasks.get(0).run();
        assertThat(log).hasSize(CompletionLane.SPREAD + 1).noneMatch(entry -> entry.startsWith("refused"));
    }

    @Test
    void anExecutorThatFailsToTakeADrainerGetsTheQueueRefusedNotStranded() {
        CompletionLane lane = new CompletionLane(task -> {
            throw new IllegalStateException("no thread could be made");
        }, new HeldTimer(), 1);
        List<String> log = new ArrayList<>();
        lane.execute(new Recorded("a", log, () -> { }));
        assertThat(log).containsExactly("refused a");
        assertThat(lane.drainers()).as("the failed start is not counted").isZero();
    }

    @Test
    void aDrainerTheExecutorDroppedIsReplacedAfterSeveralStalledChecks() {
        HeldTasks kept = new HeldTasks();
        AtomicInteger given = new AtomicInteger();
        java.util.concurrent.Executor dropsTheFirst = task -> {
            if (given.incrementAndGet() > 1) {
                kept.execute(task);
            } // the first is accepted and never run, as a discarding pool would
        };
        HeldTimer timer = new HeldTimer();
        CompletionLane lane = new CompletionLane(dropsTheFirst, timer, 1);
        List<String> log = new ArrayList<>();
        lane.execute(new Recorded("a", log, () -> { }));
        lane.execute(new Recorded("b", log, () -> { }));
        for (int i = 1; i < CompletionLane.MAX_STALLED_CHECKS; i++) {
            timer.fireAll();
            assertThat(kept.tasks).as("check %d: the first drainer may still come", i).isEmpty();
        }
        timer.fireAll();
        assertThat(kept.tasks).as("after %d stalled checks, another drainer", CompletionLane.MAX_STALLED_CHECKS).hasSize(1);
        kept.tasks.get(0).run();
        assertThat(log).containsExactly("a", "b");
    }

    @Test
    void aCallbackThatLeavesItsThreadInterruptedDoesNotInterruptTheNext() {
        HeldTasks executor = new HeldTasks();
        CompletionLane lane = new CompletionLane(executor, new HeldTimer(), 1);
        List<String> log = new ArrayList<>();
        lane.execute(new Recorded("a", log, () -> Thread.currentThread().interrupt()));
        lane.execute(new Recorded("b", log, () -> log.add("b interrupted: " + Thread.currentThread().isInterrupted())));
        executor.tasks.get(0).run();
        assertThat(log).containsExactly("a", "b interrupted: false", "b");
    }

    @Test
    void whenTheExecutorRefusesEveryAnswerWaitingIsRefusedNotDropped() {
        HeldTasks held = new HeldTasks();
        AtomicInteger calls = new AtomicInteger();
        java.util.concurrent.Executor refusing = task -> {
            if (calls.incrementAndGet() > 1) {
                throw new RejectedExecutionException("shut down");
            }
            held.execute(task);
        };
        CompletionLane lane = new CompletionLane(refusing, new HeldTimer(), 1);
        List<String> log = new ArrayList<>();
        lane.execute(new Recorded("a", log, () -> { }));
        held.tasks.get(0).run();
        lane.execute(new Recorded("b", log, () -> { }));
        assertThat(log).containsExactly("a", "refused b");
        assertThat(lane.drainers()).isZero();
    }

    @Test
    void aCheckTheTimerRefusesStartsADrainerAtOnce() {
        HeldTasks executor = new HeldTasks();
        CompletionLane lane = new CompletionLane(executor, (task, delay) -> {
            throw new RejectedExecutionException("timer shut down");
        }, 4);
        List<String> log = new ArrayList<>();
        lane.execute(new Recorded("a", log, () -> { }));
        lane.execute(new Recorded("b", log, () -> { }));
        assertThat(executor.tasks).as("without a timer to watch the first drainer, a second one").hasSize(2);
        executor.runAll();
        assertThat(log).containsExactly("a", "b");
    }

    @Test
    void aCompletionThatThrowsDoesNotStopTheNextOnes() {
        HeldTasks executor = new HeldTasks();
        CompletionLane lane = new CompletionLane(executor, new HeldTimer(), 1);
        List<String> log = new ArrayList<>();
        lane.execute(new Recorded("a", log, () -> {
            throw new IllegalStateException("a callback's bug");
        }));
        lane.execute(new Recorded("b", log, () -> { }));
        executor.tasks.get(0).run();
        assertThat(log).containsExactly("b");
    }

    @Test
    void aCallbackThatWaitsOnTheAnswerQueuedBehindItIsFreedByASecondDrainer() throws Exception {
        CountDownLatch bRan = new CountDownLatch(1);
        CountDownLatch aWaits = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean bRanWhileAWaited = new java.util.concurrent.atomic.AtomicBoolean();
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        var scheduler = Executors.newSingleThreadScheduledExecutor();
        pools.add(scheduler);
        CompletionLane lane = new CompletionLane(cachedPool(),
                (task, delay) -> scheduler.schedule(task, delay, TimeUnit.NANOSECONDS), 1);
        lane.execute(new Recorded("a", log, () -> {
            aWaits.countDown();
            try {
                bRanWhileAWaited.set(bRan.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(aWaits.await(10, TimeUnit.SECONDS)).isTrue();
        lane.execute(new Recorded("b", log, bRan::countDown));

        await().atMost(Duration.ofSeconds(40)).until(() -> log.size() == 2);
        assertThat(bRanWhileAWaited).as("b ran while a's callback waited for it").isTrue();
        assertThat(log).containsExactlyInAnyOrder("a", "b");
        await().atMost(Duration.ofSeconds(5)).until(() -> lane.drainers() == 0);
    }

    @Test
    void manyProducersAtOnceLoseNoAnswer() throws Exception {
        int producers = 4;
        int each = 20_000;
        CountDownLatch done = new CountDownLatch(producers * each);
        // A timer that never fires: no check rescues an answer a drainer's re-check would miss.
        CompletionLane lane = new CompletionLane(cachedPool(), new HeldTimer(), 2);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    lane.execute(new CompletionLane.Completion() {
                        @Override
                        public void run() {
                            done.countDown();
                        }

                        @Override
                        public void refused(RejectedExecutionException cause) {
                            throw new AssertionError("refused", cause);
                        }
                    });
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(thread.isAlive()).as("%s finished queuing", thread.getName()).isFalse();
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).as("every answer ran; %d left", done.getCount()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> lane.drainers() == 0);
    }
}
