package io.swivel.server.internal.health;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler of exceptions that end a thread of the {@code swivel serve} process (installed as
 * the process's default by the {@code serve} command, never by a server embedded in another
 * JVM): logs the thread and the error, and marks the server degraded when it was a
 * {@link VirtualMachineError}. Calls never get here (the dispatcher answers their errors); a
 * bundle's own thread, or one of Swivel's, may.
 */
public final class UncaughtErrors implements Thread.UncaughtExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(UncaughtErrors.class);

    private final ServerHealth health;

    /** @param health marked degraded when a thread dies of a {@link VirtualMachineError} */
    public UncaughtErrors(ServerHealth health) {
        this.health = Objects.requireNonNull(health, "health");
    }

    @Override
    public void uncaughtException(Thread thread, Throwable error) {
        if (error instanceof VirtualMachineError) {
            health.degraded(error.getClass().getSimpleName() + " ended thread " + thread.getName()
                    + (error.getMessage() != null ? ": " + error.getMessage() : ""));
            // a StackOverflowError's trace is 1,024 frames: the first line says enough
            log.error("thread {} died of {}; the server goes on", thread.getName(), error.toString());
        } else {
            log.error("thread {} died of {}", thread.getName(), error.toString(), error);
        }
    }
}
