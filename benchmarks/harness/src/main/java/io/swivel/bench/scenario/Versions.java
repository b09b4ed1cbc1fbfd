package io.swivel.bench.scenario;

import io.swivel.bench.user.UserService;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** Waits until a given bundle version answers calls. */
public final class Versions {

    private Versions() {
    }

    /**
     * Calls {@code version()} until it returns the expected version.
     *
     * @param service a proxy
     * @param expected the version awaited
     * @param timeout the limit
     * @return nanoseconds waited
     * @throws IllegalStateException if the limit passes first, naming the version that answers
     */
    static long await(UserService service, String expected, Duration timeout) {
        return await(service::version, expected, timeout);
    }

    /**
     * Asks for the version until it is the expected one.
     *
     * @param version calls a bundle's {@code version()} (any service's)
     * @param expected the version awaited
     * @param timeout the limit
     * @return nanoseconds waited
     * @throws IllegalStateException if the limit passes first, naming the version that answers
     */
    public static long await(Supplier<String> version, String expected, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        String last = null;
        RuntimeException lastError = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                last = version.get();
                lastError = null;
                if (expected.equals(last)) {
                    return System.nanoTime() - start;
                }
            } catch (RuntimeException e) {
                lastError = e;
            }
            LockSupport.parkNanos(200_000); // 0.2 ms between probes: fine resolution, little load
        }
        throw new IllegalStateException("version " + expected + " did not answer within " + timeout.toMillis()
                + " ms; last answer: " + (lastError != null ? lastError : last), lastError);
    }
}
