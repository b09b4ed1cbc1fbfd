package io.swivel.server.internal.cluster;

import io.swivel.server.internal.Threads;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one ZooKeeper step of a shutdown on a daemon thread of its own and waits for it no longer
 * than its timeout: Curator retries an operation whose ensemble is gone for far longer than a
 * shutdown may take (each attempt waits for a connection, then the retry policy sleeps). A step
 * not done in time is interrupted and left behind, with one log line saying what was skipped.
 */
final class BoundedStep {

    private static final Logger log = LoggerFactory.getLogger(BoundedStep.class);

    private BoundedStep() {
    }

    /**
     * Runs a step.
     *
     * @param what what the step does, e.g. {@code "deregistration from ZooKeeper at zk:2181"}
     * @param timeout how long to wait for it
     * @param ifSkipped what it means when it does not finish, for the log line
     * @param work the step
     * @return true if it finished in time (a failure inside it is logged and counts as finished)
     */
    static boolean run(String what, Duration timeout, String ifSkipped, Runnable work) {
        FutureTask<Void> task = new FutureTask<>(work, null);
        Thread thread = Threads.daemonThread("swivel-shutdown-zookeeper", task);
        long start = System.nanoTime();
        thread.start();
        try {
            task.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            task.cancel(true);
            log.warn("{} not done within {} ms; skipped it: {}", what, timeout.toMillis(), ifSkipped);
            return false;
        } catch (ExecutionException e) {
            log.warn("{} failed after {} ms: {}", what, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                    e.getCause().toString(), e.getCause());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            task.cancel(true);
            log.warn("{} interrupted; skipped it: {}", what, ifSkipped);
            return false;
        }
    }
}
