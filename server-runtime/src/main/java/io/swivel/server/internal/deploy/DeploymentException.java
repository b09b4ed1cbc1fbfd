package io.swivel.server.internal.deploy;

import java.util.Locale;
import java.util.Objects;

/**
 * A bundle version could not be made to serve. The message says what failed and what to do;
 * the cause, when there is one, says why; {@link #failure()} says in one word where it failed.
 * The version was discarded and nothing else changed. The message is cut to a few KiB (it may
 * quote what a bundle wrote).
 */
public final class DeploymentException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Where a deployment failed, as the {@code cause} label of {@code swivel_deployments_total}. */
    public enum Failure {
        /** The jar cannot be read, is not a valid jar, or names itself badly. */
        BAD_JAR,
        /** No class is annotated {@code @RpcService}. */
        NO_SERVICE,
        /** A service or activator class is defined wrongly (no interface, no usable constructor). */
        BAD_SERVICE,
        /** Its configuration cannot be read. */
        BAD_CONFIG,
        /** Creating a service or starting the activator threw. */
        START_FAILED,
        /** The health check failed or threw. */
        HEALTH_FAILED,
        /** A start-up step did not finish in time. */
        TIMEOUT,
        /** Its name or one of its services is taken by another jar or bundle. */
        CONFLICT,
        /** Its copy into the deploy directory never completed. */
        STALLED;

        /** @return the label value: the name in lower case, such as {@code start_failed} */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Failure failure;

    /**
     * Creates the exception for a failure while starting.
     *
     * @param message what failed and what to do
     * @param cause why, or null
     */
    public DeploymentException(String message, Throwable cause) {
        this(Failure.START_FAILED, message, cause);
    }

    /**
     * Creates the exception.
     *
     * @param failure where it failed
     * @param message what failed and what to do
     * @param cause why, or null
     */
    public DeploymentException(Failure failure, String message, Throwable cause) {
        super(BoundedText.of(message), cause);
        this.failure = Objects.requireNonNull(failure, "failure");
    }

    /** @return where it failed */
    public Failure failure() {
        return failure;
    }
}
