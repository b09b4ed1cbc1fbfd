package io.swivel.server.internal.deploy;

import io.swivel.api.HealthCheck;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.ContextLoader;
import io.swivel.server.internal.Threads;
import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches a version that just took over while its predecessor waits as standby: checks its
 * error rate and runs its health check at a short interval for the probation window, and reports
 * either that it failed (so the lifecycle swaps back) or that it passed (so the standby can go).
 *
 * <p>The timer thread never waits for a health check: each check runs on a worker of its own and
 * is bounded by the health timeout by the timer, so one hung bundle delays no other bundle's
 * probation. A check that is cancelled or interrupted counts as failed, never as healthy.
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
     * @param interval how often the version is checked
     */
    record Policy(Duration window, double maxErrorRate, long minCalls, Duration healthTimeout, Duration interval) {

        /** A policy checking at a tenth of the window, between 50 ms and 1 s. */
        Policy(Duration window, double maxErrorRate, long minCalls, Duration healthTimeout) {
            this(window, maxErrorRate, minCalls, healthTimeout,
                    Duration.ofMillis(Math.max(50, Math.min(1000, window.toMillis() / 10))));
        }

        boolean enabled() {
            return !window.isZero();
        }
    }

    /** Hears how a probation ended; called on a probation worker thread, at most once per watch. */
    interface Outcome {
        void failed(BundleGeneration generation, String reason);

        void passed(BundleGeneration generation);

        static Outcome of(java.util.function.BiConsumer<BundleGeneration, String> failed,
                          java.util.function.Consumer<BundleGeneration> passed) {
            return new Outcome() {
                @Override
                public void failed(BundleGeneration generation, String reason) {
                    failed.accept(generation, reason);
                }

                @Override
                public void passed(BundleGeneration generation) {
                    passed.accept(generation);
                }
            };
        }
    }

    /** A running probation; {@link #cancel()} stops it without an outcome. */
    static final class Watch {
        private final BundleGeneration generation;
        private final Outcome outcome;
        private final Instant endsAt;
        private final AtomicBoolean over = new AtomicBoolean();
        private final AtomicBoolean checking = new AtomicBoolean();
        private volatile ScheduledFuture<?> future;

        private Watch(BundleGeneration generation, Outcome outcome, Instant endsAt) {
            this.generation = generation;
            this.outcome = outcome;
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
            cancel();
            return first;
        }
    }

    private final Policy policy;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final ExecutorService workers;

    Probation(Policy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, Threads.daemon("swivel-probation"));
        scheduler.setRemoveOnCancelPolicy(true); // a cancelled watch must not hold its generation until its next run
        this.timer = scheduler;
        this.workers = Executors.newCachedThreadPool(Threads.daemon("swivel-probation-check"));
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
        Watch watch = new Watch(generation, outcome, clock.instant().plus(policy.window()));
        long interval = policy.interval().toNanos();
        try {
            watch.future = timer.scheduleWithFixedDelay(() -> tick(watch), interval, interval, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            watch.cancel(); // the server is closing: the standby is unloaded with everything else
        }
        return watch;
    }

    /** On the timer thread: never waits for bundle code. */
    private void tick(Watch watch) {
        if (watch.over.get() || !watch.checking.compareAndSet(false, true)) {
            return; // over, or the previous check still runs (its timeout is armed)
        }
        String failure = errorRateFailure(watch.generation);
        if (failure != null) {
            watch.checking.set(false);
            end(watch, failure);
            return;
        }
        boolean due = !clock.instant().isBefore(watch.endsAt);
        Future<?> check;
        try {
            check = workers.submit(() -> {
                String healthFailure;
                try {
                    healthFailure = healthFailure(watch.generation);
                } catch (Error e) {
                    watch.checking.set(false);
                    end(watch, "its health check threw " + e);
                    throw e;
                }
                watch.checking.set(false);
                if (healthFailure != null) {
                    end(watch, healthFailure);
                } else if (due) {
                    end(watch, null);
                }
            });
        } catch (RejectedExecutionException closing) {
            watch.checking.set(false);
            return;
        }
        try {
            timer.schedule(() -> {
                if (!check.isDone()) {
                    // the outcome first: the interrupt that follows must not be reported as the reason
                    end(watch, "its health check did not answer within " + policy.healthTimeout().toMillis() + " ms");
                    check.cancel(true);
                }
            }, policy.healthTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closing) {
            check.cancel(true);
        }
    }

    /** Reports the outcome once, on a worker (outcomes take the bundle's lock, which a deployment may hold). */
    private void end(Watch watch, String failure) {
        if (!watch.finish()) {
            return;
        }
        try {
            workers.execute(() -> {
                if (failure != null) {
                    watch.outcome.failed(watch.generation, failure);
                } else {
                    watch.outcome.passed(watch.generation);
                }
            });
        } catch (RejectedExecutionException closing) {
            // the server is closing: the standby is unloaded with everything else, no outcome is due
            watch.cancel();
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

    /** On a worker: the bundle's health check, with its loader as the context loader. */
    private static String healthFailure(BundleGeneration generation) {
        HealthCheck.Result health;
        try (ContextLoader.Scope scope = ContextLoader.use(generation.loader())) {
            health = generation.context().healthCheck().check();
        } catch (Exception e) {
            if (Thread.currentThread().isInterrupted()) {
                return "its health check was interrupted (" + e + ")";
            }
            return "its health check threw " + e;
        }
        if (Thread.interrupted()) {
            return "its health check was interrupted"; // cancelled at the timeout: not a pass
        }
        if (health == null) {
            return "its health check returned null";
        }
        return health.passed() ? null : "its health check failed: " + health.detail();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        workers.shutdownNow();
    }
}
