package io.swivel.client.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the answers of asynchronous calls are decoded and their futures completed: on the
 * client's callback executor, several answers per task instead of one. An answer is queued; a
 * drainer, one task on the executor, runs queued answers until none is left. An I/O thread that
 * queues an answer while a drainer runs wakes no thread, so a read of many answers costs one
 * hand-off to the executor, not one each.
 *
 * <p>A callback may block, also on the future of another call whose answer waits in this queue
 * behind it. So the queue is watched: while answers wait and a drainer runs, a check runs every
 * {@link #STALL_NANOS}; if no answer was taken from the queue since the last one and every drainer
 * started is running (none still waits for a thread of the executor; after
 * {@link #MAX_STALLED_CHECKS} such checks, whatever the counts say), every drainer is inside a
 * callback that has not returned, and another drainer is started. The check cannot tell a slow
 * callback from a blocked one: the answers behind any callback that runs for over a millisecond
 * go to another drainer. So answers wait a millisecond or two per blocked callback, not for ever,
 * as long as the executor gives each new drainer a thread (the client's own pool does; a
 * single-thread executor cannot). A queue that grows past {@link #SPREAD} answers per drainer
 * gets another drainer too, up to one per processor, so that decoding spreads over the cores as
 * the one task per answer did. Once the timer is gone (the client closes), a drainer starts
 * another before each answer while more wait.
 *
 * <p>If the executor refuses a drainer (or fails to take it) while no other drainer is left to take
 * the queue, or an {@link ExecutorService} executor was shut down (the client closes), the answers queued are refused
 * ({@link Completion#refused}), none is dropped. A drainer clears its thread's interrupt between
 * answers, as a thread pool does between tasks.
 */
final class CompletionLane {

    /** How long the queue may go without an answer taken, while answers wait, before another drainer starts. */
    static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Answers waiting per drainer above which another drainer starts. */
    static final int SPREAD = 16;
    /** Checks in a row that found nothing taken, with a drainer said to wait for a thread, before another starts anyway. */
    static final int MAX_STALLED_CHECKS = 4;

    private static final Logger log = LoggerFactory.getLogger(CompletionLane.class);

    /** One answer's work: decoding it and completing its future. */
    interface Completion {
        /** Runs on a drainer; must not throw (a throw is logged, and the next answer runs). */
        void run();

        /** The executor refused to run it. */
        void refused(RejectedExecutionException cause);
    }

    /** Runs a task once, after a delay. */
    interface Timer {
        /** @throws RejectedExecutionException if it runs no more tasks */
        void schedule(Runnable task, long delayNanos);
    }

    private final Executor executor;
    private final Timer timers;
    private final int maxSpread;
    private final ConcurrentLinkedQueue<Completion> queue = new ConcurrentLinkedQueue<>();
    /** Answers queued and not yet taken (an estimate between the two steps of a queue or a take). */
    private final AtomicInteger waiting = new AtomicInteger();
    /** Drainers started and not yet finished. */
    private final AtomicInteger drainers = new AtomicInteger();
    /** Drainers running on a thread of the executor (the others wait for one). */
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicBoolean checkArmed = new AtomicBoolean();
    /** Checks in a row that found no answer taken; touched by the one check armed at a time only. */
    private int stalledChecks;
    /** Set once the timer runs no more checks (the client closes): drainers then start without one. */
    private volatile boolean timerGone;
    private final Runnable drainer = this::drain;

    /**
     * @param executor the client's callback executor
     * @param timers where the check for a blocked drainer is scheduled
     * @param maxSpread drainers the queue's length alone may start (one per processor)
     */
    CompletionLane(Executor executor, Timer timers, int maxSpread) {
        this.executor = executor;
        this.timers = timers;
        this.maxSpread = Math.max(1, maxSpread);
    }

    /** Queues an answer's completion: it runs on a drainer, soon. */
    void execute(Completion completion) {
        queue.offer(completion);
        int queued = waiting.incrementAndGet();
        int started = drainers.get();
        if (started == 0 || (queued > SPREAD * started && started < maxSpread)) {
            start();
        } else {
            armCheck();
        }
    }

    /** @return drainers running (for tests) */
    int drainers() {
        return drainers.get();
    }

    /**
     * The timer runs no more checks (its event loops were shut down, which also drops the checks
     * armed): from now on a drainer starts wherever a check would have been armed.
     */
    void timerGone() {
        timerGone = true;
        checkArmed.set(false);
        if (!queue.isEmpty()) {
            start();
        }
    }

    private void start() {
        drainers.incrementAndGet();
        try {
            executor.execute(drainer);
        } catch (RuntimeException | Error e) { // refused, or no thread could be made for it
            int left = drainers.decrementAndGet();
            if (left == 0 || shutDown()) {
                refuseAll(e instanceof RejectedExecutionException refused ? refused
                        : new RejectedExecutionException("the callback executor failed to take a task: " + e, e));
            }
        }
    }

    private boolean shutDown() {
        return executor instanceof ExecutorService service && service.isShutdown();
    }

    private void drain() {
        running.incrementAndGet();
        try {
            for (;;) {
                Completion next;
                while ((next = queue.poll()) != null) {
                    waiting.decrementAndGet();
                    if (timerGone && !queue.isEmpty()) {
                        start(); // no check will come: another drainer, in case this answer's callback blocks
                    }
                    run(next);
                }
                drainers.decrementAndGet();
                // An answer queued after the last poll saw a drainer running and started none: take it.
                if (queue.isEmpty()) {
                    return;
                }
                drainers.incrementAndGet();
            }
        } finally {
            running.decrementAndGet();
        }
    }

    private static void run(Completion completion) {
        try {
            completion.run();
        } catch (RuntimeException | Error e) {
            log.warn("completing an asynchronous call failed; the next answers still complete", e);
        }
        // A callback's interrupt is not the next callback's: a pool clears it between tasks too.
        Thread.interrupted();
    }

    /** Makes sure a check runs {@link #STALL_NANOS} from now while answers wait, if none is armed. */
    private void armCheck() {
        if (timerGone) {
            start(); // no check can come: a drainer now, so that a blocked one cannot hold what waits
            return;
        }
        // A plain read first: while a check is armed (most answers queued under load), no locked compare-and-set.
        while (!checkArmed.get() && checkArmed.compareAndSet(false, true)) {
            Completion head = queue.peek();
            if (head != null) {
                try {
                    timers.schedule(() -> check(head), STALL_NANOS);
                } catch (RejectedExecutionException e) {
                    timerGone(); // gives the flag back too
                }
                return;
            }
            checkArmed.set(false);
            // An answer queued while the flag was held found it set and armed nothing: look again.
            if (queue.isEmpty()) {
                return;
            }
        }
    }

    /**
     * The check: the same answer at the head as when it was armed means none was taken since; if
     * no drainer waits for a thread either, every one is inside a callback, so one more starts.
     */
    private void check(Completion headWhenArmed) {
        checkArmed.set(false);
        Completion head = queue.peek();
        if (head == null) {
            stalledChecks = 0;
            return;
        }
        if (head != headWhenArmed) {
            stalledChecks = 0;
        } else if (shutDown()) {
            refuseAll(new RejectedExecutionException("the callback executor was shut down"));
            return;
        } else if (drainers.get() <= running.get() || ++stalledChecks >= MAX_STALLED_CHECKS) {
            // every drainer is inside a callback; or one said to be on its way has not come for
            // that many checks (an executor that dropped it, say): another one either way
            stalledChecks = 0;
            start();
        }
        armCheck();
    }

    private void refuseAll(RejectedExecutionException cause) {
        Completion next;
        while ((next = queue.poll()) != null) {
            waiting.decrementAndGet();
            try {
                next.refused(cause);
            } catch (RuntimeException | Error e) {
                log.warn("refusing the answer of an asynchronous call failed", e);
            }
        }
    }
}
