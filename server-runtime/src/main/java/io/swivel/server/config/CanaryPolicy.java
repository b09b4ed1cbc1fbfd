package io.swivel.server.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The budget a canary version must keep at every analysis before its weight widens: compared with
 * the stable version over the same window in the same process.
 *
 * @param errorRateSlack how much higher than the stable version's the canary's error rate may be
 *     (0.01 is one point; {@code --canary-error-rate-slack})
 * @param p99Factor how many times the stable version's p99 latency the canary's may be
 *     ({@code --canary-p99-factor})
 * @param minCalls the calls the canary must have finished in a window before it is judged; with
 *     fewer, the step is held and the window goes on ({@code --canary-min-calls})
 * @param p99Floor a canary p99 at or below this is within budget whatever the stable one is:
 *     sub-millisecond latencies differ by noise, not by version ({@code --canary-p99-floor})
 */
public record CanaryPolicy(double errorRateSlack, double p99Factor, long minCalls, Duration p99Floor) {

    /**
     * Validates the budget.
     *
     * @param errorRateSlack see the record
     * @param p99Factor see the record
     * @param minCalls see the record
     * @param p99Floor see the record
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
        Objects.requireNonNull(p99Floor, "p99Floor");
        if (p99Floor.isNegative()) {
            throw new IllegalArgumentException("p99Floor: " + p99Floor + " (expected: >= 0)");
        }
    }

    /**
     * The budget without a p99 floor.
     *
     * @param errorRateSlack see the record
     * @param p99Factor see the record
     * @param minCalls see the record
     */
    public CanaryPolicy(double errorRateSlack, double p99Factor, long minCalls) {
        this(errorRateSlack, p99Factor, minCalls, Duration.ZERO);
    }

    /** @return error rate at most the stable one + 1 point, p99 at most 1.5× the stable one or 5 ms, 20 calls */
    public static CanaryPolicy defaults() {
        return new CanaryPolicy(0.01, 1.5, 20, Duration.ofMillis(5));
    }
}
