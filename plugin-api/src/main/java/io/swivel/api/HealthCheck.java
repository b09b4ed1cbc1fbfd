package io.swivel.api;

import java.util.Objects;

/**
 * Tells whether a bundle version is fit to serve. Installed with
 * {@link BundleContext#setHealthCheck}.
 *
 * <p>A check that returns an unhealthy result, throws, or does not answer within the
 * health-check timeout counts as failed.
 */
@FunctionalInterface
public interface HealthCheck {

    /**
     * Runs the check.
     *
     * @return the result
     * @throws Exception counts as unhealthy; the message is reported
     */
    Result check() throws Exception;

    /**
     * The outcome of one check.
     *
     * @param passed whether the bundle may serve
     * @param detail a short human-readable explanation, never {@code null}
     */
    record Result(boolean passed, String detail) {

        /**
         * Creates a result.
         *
         * @param passed whether the bundle may serve
         * @param detail a short explanation
         */
        public Result {
            Objects.requireNonNull(detail, "detail");
        }

        /**
         * A healthy result.
         *
         * @return a healthy result with detail "ok"
         */
        public static Result healthy() {
            return new Result(true, "ok");
        }

        /**
         * An unhealthy result.
         *
         * @param reason why the bundle must not serve
         * @return an unhealthy result
         */
        public static Result unhealthy(String reason) {
            return new Result(false, reason);
        }
    }
}
