package io.swivel.server.deploy;

import io.swivel.api.HealthCheck;
import io.swivel.server.bundle.BundleGeneration;
import java.io.Closeable;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches a version that just took over while its predecessor waits as standby: runs its
 * health check and its error rate at a short interval for the probation window, and reports
 * either that it failed (so the deployer swaps back) or that it passed (so the standby can go).
 */
final class Probation implements Closeable {

    /**
     * When a new version fails probation.
     *
     * @param window how long the previous version stays standby; zero turns probation off
     * @param maxErrorRate the share of unexpected failures among finished calls above which the
     *     new version is rolled back
     * @param minCalls the calls that must have finished before the error rate counts
     * @param healthTimeout how long one health check may take
     */
    record Policy(Duration window, double maxErrorRate, long minCalls, Duration healthTimeout) {

        boolean enabled() {
            return !window.isZero();
        }

        Duration interval() {
            long millis = Math.max(50, Math.min(1000, window.toMillis() / 10));
            return Duration.ofMillis(millis);
        }
    }

    /** Hears how a probation ended; called on a probation thread, at most once per watch. */
    interface Outcome {
        void failed(BundleGeneration generation, String reason);

        void passed(BundleGeneration generation);
    }

    /** A running probation; {@link #cancel()} stops it without an outcome. */
    static final class Watch {
        private final BundleGeneration generation;
        private final Instant endsAt;
        private final AtomicBoolean over = new AtomicBoolean();
        private volatile ScheduledFuture<?> future;

        private Watch(BundleGeneration generation, Instant endsAt) {
            this.generation = generation;
            this.endsAt = endsAt;
        }

        Instant endsAt() {
            return endsAt;
        }

        BundleGeneration generation() {
            return generation;
        }

        void cancel() {
            over.set(true);
            ScheduledFuture<?> scheduled = future;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
        }

        private boolean finish() {
            boolean first = over.compareAndSet(false, true);
            ScheduledFuture<?> scheduled = future;
            if (scheduled != null) {
                scheduled.cancel(false);
            }
            return first;
        }
    }

    private final Policy policy;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService workers;

    Probation(Policy policy) {
        this.policy = policy;
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, daemon("swivel-probation"));
        timer.setRemoveOnCancelPolicy(true); // a cancelled watch must not hold its generation until its next run
        this.scheduler = timer;
        this.workers = Executors.newCachedThreadPool(daemon("swivel-probation-check"));
    }

    Policy policy() {
        return policy;
    }

    /**
     * Starts watching a version that serves now.
     *
     * @param generation the new version
     * @param outcome told once how it ended
     * @return the watch
     */
    Watch start(BundleGeneration generation, Outcome outcome) {
        Watch watch = new Watch(generation, Instant.now().plus(policy.window()));
        long interval = policy.interval().toMillis();
        watch.future = scheduler.scheduleWithFixedDelay(() -> check(watch, outcome), interval, interval,
                TimeUnit.MILLISECONDS);
        return watch;
    }

    private void check(Watch watch, Outcome outcome) {
        if (watch.over.get()) {
            return;
        }
        BundleGeneration generation = watch.generation;
        String failure = errorRateFailure(generation);
        if (failure == null) {
            failure = healthFailure(generation);
        }
        if (failure != null) {
            if (watch.finish()) {
                String reason = failure;
                report(() -> outcome.failed(generation, reason));
            }
        } else if (!Instant.now().isBefore(watch.endsAt) && watch.finish()) {
            report(() -> outcome.passed(generation));
        }
    }

    /** Outcomes take the bundle's lock, which a deployment may hold for a while: not on the timer thread. */
    private void report(Runnable task) {
        try {
            workers.execute(task);
        } catch (RejectedExecutionException closing) {
            // the server is closing; the standby is unloaded with everything else
        }
    }

    private String errorRateFailure(BundleGeneration generation) {
        long calls = generation.completedCalls();
        long failed = generation.failedCalls();
        if (calls >= policy.minCalls() && failed > policy.maxErrorRate() * calls) {
            return String.format(Locale.ROOT, "%d of %d calls failed (%.0f%%, above the limit of %.0f%%)", failed, calls,
                    100.0 * failed / calls, 100.0 * policy.maxErrorRate());
        }
        return null;
    }

    private String healthFailure(BundleGeneration generation) {
        Future<HealthCheck.Result> result;
        try {
            result = workers.submit(() -> {
                Thread thread = Thread.currentThread();
                ClassLoader previous = thread.getContextClassLoader();
                thread.setContextClassLoader(generation.loader());
                try {
                    return generation.context().healthCheck().check();
                } finally {
                    thread.setContextClassLoader(previous);
                }
            });
        } catch (RejectedExecutionException closing) {
            return null;
        }
        try {
            HealthCheck.Result health = result.get(policy.healthTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (health == null) {
                return "its health check returned null";
            }
            return health.passed() ? null : "its health check failed: " + health.detail();
        } catch (TimeoutException e) {
            result.cancel(true);
            return "its health check did not answer within " + policy.healthTimeout().toMillis() + " ms";
        } catch (ExecutionException e) {
            return "its health check threw " + e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        workers.shutdownNow();
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
