package io.swivel.server.internal.deploy;

import io.swivel.server.config.CanaryPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * How deployments behave (what {@link Deployer} is told at start).
 *
 * @param drainTimeout how long a replaced version may finish its running calls
 * @param historyLimit how many versions of each bundle {@code <data-dir>/history} keeps
 * @param probation how long the previous version stays standby; zero turns probation off
 * @param maxErrorRate the share of unexpected failures that fails probation
 * @param minCalls the finished calls before the error rate counts
 * @param healthTimeout how long one health check may take
 * @param canary the budget a canary keeps at every analysis
 * @param eventLogSize the events the {@link EventLog} keeps ({@code --event-log-size})
 */
public record DeploySettings(Duration drainTimeout, int historyLimit, Duration probation, double maxErrorRate,
                             long minCalls, Duration healthTimeout, CanaryPolicy canary, int eventLogSize) {

    /**
     * Settings with the default canary budget.
     *
     * @param drainTimeout the drain limit
     * @param historyLimit versions kept per bundle, at least 1
     * @param probation the probation window, zero or more
     * @param maxErrorRate between 0 and 1
     * @param minCalls at least 1
     * @param healthTimeout the health check limit
     */
    public DeploySettings(Duration drainTimeout, int historyLimit, Duration probation, double maxErrorRate,
                    long minCalls, Duration healthTimeout) {
        this(drainTimeout, historyLimit, probation, maxErrorRate, minCalls, healthTimeout, CanaryPolicy.defaults());
    }

    /**
     * Settings with the default event log size.
     *
     * @param drainTimeout the drain limit
     * @param historyLimit versions kept per bundle, at least 1
     * @param probation the probation window, zero or more
     * @param maxErrorRate between 0 and 1
     * @param minCalls at least 1
     * @param healthTimeout the health check limit
     * @param canary the budget a canary keeps at every analysis
     */
    public DeploySettings(Duration drainTimeout, int historyLimit, Duration probation, double maxErrorRate,
                          long minCalls, Duration healthTimeout, CanaryPolicy canary) {
        this(drainTimeout, historyLimit, probation, maxErrorRate, minCalls, healthTimeout, canary,
                EventLog.DEFAULT_CAPACITY);
    }

    /**
     * Validates the settings.
     *
     * @param drainTimeout the drain limit
     * @param historyLimit versions kept per bundle, at least 1
     * @param probation the probation window, zero or more
     * @param maxErrorRate between 0 and 1
     * @param minCalls at least 1
     * @param healthTimeout the health check limit
     * @param canary the budget a canary keeps at every analysis
     * @param eventLogSize at least 1
     */
    public DeploySettings {
        Objects.requireNonNull(canary, "canary");
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        Objects.requireNonNull(probation, "probation");
        Objects.requireNonNull(healthTimeout, "healthTimeout");
        if (historyLimit < 1) {
            throw new IllegalArgumentException("historyLimit: " + historyLimit + " (expected: >= 1)");
        }
        if (!(maxErrorRate >= 0 && maxErrorRate <= 1)) {
            throw new IllegalArgumentException("maxErrorRate: " + maxErrorRate + " (expected: 0..1)");
        }
        if (minCalls < 1) {
            throw new IllegalArgumentException("minCalls: " + minCalls + " (expected: >= 1)");
        }
        if (eventLogSize < 1) {
            throw new IllegalArgumentException("eventLogSize: " + eventLogSize + " (expected: >= 1)");
        }
    }
}
