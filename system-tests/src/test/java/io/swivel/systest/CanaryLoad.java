package io.swivel.systest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;

/**
 * Callers calling without pause until stopped, bounded in calls and in time: every answer is
 * counted by its text, every failure kept (the first thousand).
 */
final class CanaryLoad implements AutoCloseable {

    private static final int MAX_FAILURES_KEPT = 1000;

    final Map<String, LongAdder> answers = new ConcurrentHashMap<>();
    final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    final LongAdder failed = new LongAdder();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ExecutorService threads;
    private final List<Future<?>> running = new ArrayList<>();

    /**
     * Starts the callers.
     *
     * @param threads how many
     * @param maxCallsPerThread the bound in calls
     * @param maxTime the bound in time
     * @param call one call; its argument is the call's number on its thread
     */
    CanaryLoad(int threads, long maxCallsPerThread, Duration maxTime, LongFunction<String> call) {
        this.threads = Executors.newFixedThreadPool(threads);
        long deadline = System.nanoTime() + maxTime.toNanos();
        for (int t = 0; t < threads; t++) {
            running.add(this.threads.submit(() -> {
                for (long i = 0; i < maxCallsPerThread && !stop.get() && System.nanoTime() - deadline < 0; i++) {
                    try {
                        answers.computeIfAbsent(call.apply(i), a -> new LongAdder()).increment();
                    } catch (RuntimeException e) {
                        failed.increment();
                        if (failures.size() < MAX_FAILURES_KEPT) {
                            failures.add(e);
                        }
                    }
                }
            }));
        }
    }

    /** @return the calls answered so far, by answer */
    Map<String, Long> counts() {
        Map<String, Long> counts = new TreeMap<>();
        answers.forEach((answer, count) -> counts.put(answer, count.sum()));
        return counts;
    }

    /** @return answers containing {@code text} so far */
    long answered(String text) {
        return counts().entrySet().stream().filter(e -> e.getKey().contains(text)).mapToLong(Map.Entry::getValue).sum();
    }

    /** Stops the callers and waits for them. */
    @Override
    public void close() throws Exception {
        stop.set(true);
        for (Future<?> caller : running) {
            caller.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();
    }
}
