package io.swivel.bench.load;

import io.swivel.bench.workload.Mode;
import io.swivel.bench.workload.Op;
import io.swivel.bench.workload.UserCalls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives one operation through a peer's client for a sequence of phases without pausing between
 * them, and summarises each phase's throughput, errors and latency percentiles (HdrHistogram,
 * nanosecond values, three significant digits).
 *
 * <p>{@link Mode#SYNC}: {@code concurrency} threads each make one blocking call after another.
 * {@link Mode#ASYNC}: one driver thread keeps {@code concurrency} calls in flight, starting a new
 * one as soon as one completes.
 */
public final class LoadGenerator {

    /** Hears about phases as they begin and end. */
    public interface Listener {

        /**
         * A phase begins now.
         *
         * @param phase the phase
         */
        void begins(Phase phase);

        /**
         * A phase ended.
         *
         * @param result what it measured
         */
        void ended(PhaseResult result);
    }

    private final UserCalls calls;
    private final String peer;
    private final Mode mode;
    private final Op op;
    private final int concurrency;
    private final Recorder recorder = new Recorder(3);
    private final LongAdder errors = new LongAdder();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final CountDownLatch stop = new CountDownLatch(1);

    /**
     * Creates a generator.
     *
     * @param calls the peer's client
     * @param peer the peer's label, for results
     * @param mode how to call
     * @param op what to call
     * @param concurrency threads (sync) or outstanding calls (async)
     */
    public LoadGenerator(UserCalls calls, String peer, Mode mode, Op op, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: >= 1)");
        }
        this.calls = calls;
        this.peer = peer;
        this.mode = mode;
        this.op = op;
        this.concurrency = concurrency;
    }

    /**
     * Runs the phases one after the other, then stops the load and waits for calls in flight.
     *
     * @param phases the phases
     * @param listener hears about each phase
     * @return each phase's result
     * @throws InterruptedException if interrupted
     */
    public List<PhaseResult> run(List<Phase> phases, Listener listener) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        Semaphore permits = new Semaphore(concurrency);
        if (mode == Mode.SYNC) {
            for (int i = 0; i < concurrency; i++) {
                long firstSeq = (long) i << 32;
                threads.add(new Thread(() -> callInLoop(firstSeq), "load-" + i));
            }
        } else {
            threads.add(new Thread(() -> drive(permits), "load-driver"));
        }
        threads.forEach(Thread::start);
        List<PhaseResult> results = new ArrayList<>();
        try {
            for (Phase phase : phases) {
                recorder.getIntervalHistogram(); // calls before this phase belong to the one before
                errors.reset();
                firstError.set(null);
                long start = System.nanoTime();
                long cpuStart = ProcessCpu.self();
                listener.begins(phase);
                boolean stopped = stop.await(phase.duration().toNanos(), TimeUnit.NANOSECONDS);
                Histogram histogram = recorder.getIntervalHistogram();
                double seconds = (System.nanoTime() - start) / 1e9;
                PhaseResult result = PhaseResult.of(peer, mode.label(), op.label(), phase.name(), concurrency, seconds,
                        histogram, errors.sumThenReset(), firstError.get(), (ProcessCpu.self() - cpuStart) / 1e9);
                results.add(result);
                listener.ended(result);
                if (stopped) {
                    break;
                }
            }
        } finally {
            stop.countDown();
            for (Thread thread : threads) {
                thread.join(Duration.ofSeconds(30).toMillis());
                if (thread.isAlive()) {
                    throw new IllegalStateException(thread.getName() + " did not stop within 30 s");
                }
            }
            if (mode == Mode.ASYNC && !permits.tryAcquire(concurrency, 30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("asynchronous calls still outstanding 30 s after the load stopped");
            }
        }
        return results;
    }

    private void callInLoop(long firstSeq) {
        long seq = firstSeq;
        while (stop.getCount() > 0) {
            long start = System.nanoTime();
            try {
                calls.call(op, seq++);
                recorder.recordValue(System.nanoTime() - start);
            } catch (Exception e) {
                failed(e);
            }
        }
    }

    private void drive(Semaphore permits) {
        long seq = 0;
        try {
            while (stop.getCount() > 0) {
                if (!permits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                long start = System.nanoTime();
                CompletableFuture<?> answer;
                try {
                    answer = calls.callAsync(op, seq++);
                } catch (RuntimeException e) {
                    failed(e);
                    permits.release();
                    continue;
                }
                answer.whenComplete((value, error) -> {
                    if (error == null) {
                        recorder.recordValue(System.nanoTime() - start);
                    } else {
                        failed(error);
                    }
                    permits.release();
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void failed(Throwable error) {
        errors.increment();
        firstError.compareAndSet(null, error.toString());
    }
}
