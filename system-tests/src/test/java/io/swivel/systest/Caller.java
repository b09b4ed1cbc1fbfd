package io.swivel.systest;

import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A thread that calls a service without pause while something is done to the server, and
 * records what went wrong: a call that failed, or an answer outside the allowed set. Bounded in
 * calls and time.
 */
final class Caller implements AutoCloseable {

    private static final long MAX_CALLS = 10_000_000;
    private static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(3);

    private final Supplier<String> call;
    private final Thread thread;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong calls = new AtomicLong();
    private final Queue<String> problems = new ConcurrentLinkedQueue<>();
    private final AtomicLong problemCount = new AtomicLong();
    private volatile Set<String> allowed;

    private Caller(String name, Supplier<String> call, Set<String> allowed) {
        this.call = call;
        this.allowed = Set.copyOf(allowed);
        this.thread = new Thread(this::run, "caller-" + name);
        this.thread.setDaemon(true);
    }

    /**
     * Starts calling.
     *
     * @param name names the thread
     * @param call one call, returning its answer
     * @param allowed the answers that are right
     * @return the running caller
     */
    static Caller start(String name, Supplier<String> call, Set<String> allowed) {
        Caller caller = new Caller(name, call, allowed);
        caller.thread.start();
        return caller;
    }

    private void run() {
        long deadline = System.nanoTime() + MAX_NANOS;
        while (!stop.get() && calls.get() < MAX_CALLS && System.nanoTime() - deadline < 0) {
            try {
                String answer = call.get();
                if (!allowed.contains(answer)) {
                    problemCount.incrementAndGet();
                    problems.add(java.time.Instant.now() + " unexpected answer " + answer + " (allowed: " + allowed + ")");
                }
            } catch (RuntimeException e) {
                problemCount.incrementAndGet();
                problems.add(java.time.Instant.now() + " call failed: " + e);
            }
            calls.incrementAndGet();
        }
    }

    /** Changes the answers that are right from now on. */
    void allow(Set<String> answers) {
        allowed = Set.copyOf(answers);
    }

    /** @return the calls made so far */
    long calls() {
        return calls.get();
    }

    /** @return failed calls and wrong answers so far (the first 20) */
    List<String> problems() {
        return problems.stream().limit(20).toList();
    }

    /** @return how many calls failed or answered wrong so far */
    long problemCount() {
        return problemCount.get();
    }

    /** Stops calling and waits for the call in progress. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(TimeUnit.SECONDS.toMillis(30));
        if (thread.isAlive()) {
            throw new AssertionError(thread.getName() + " is stuck in a call");
        }
    }
}
