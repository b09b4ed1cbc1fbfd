package io.swivel.server.config;

/**
 * The budget a canary version must keep at every analysis before its weight widens: compared with
 * the stable version over the same window in the same process.
 *
 * @param errorRateSlack how much higher than the stable version's the canary's error rate may be
 *     (0.01 is one point)
 * @param p99Factor how many times the stable version's p99 latency the canary's may be
 * @param minCalls the calls the canary must have finished in a window before it is judged
 */
public record CanaryPolicy(double errorRateSlack, double p99Factor, long minCalls) {

    /**
     * Validates the budget.
     *
     * @param errorRateSlack see the record
     * @param p99Factor see the record
     * @param minCalls see the record
     */
    public CanaryPolicy {
        if (!(errorRateSlack >= 0 && errorRateSlack <= 1)) {
            throw new IllegalArgumentException("errorRateSlack: " + errorRateSlack + " (expected: 0..1)");
        }
        if (!(p99Factor >= 1)) {
            throw new IllegalArgumentException("p99Factor: " + p99Factor + " (expected: >= 1)");
        }
        if (minCalls < 1) {
            throw new IllegalArgumentException("minCalls: " + minCalls + " (expected: >= 1)");
        }
    }

    /** @return error rate at most the stable one + 1 point, p99 at most 1.5× the stable one, 20 calls */
    public static CanaryPolicy defaults() {
        return new CanaryPolicy(0.01, 1.5, 20);
    }
}
