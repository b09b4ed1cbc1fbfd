package io.swivel.client.internal;

/**
 * Keeps retries from storming a sick cluster: every retry spends a token, every call that
 * succeeds earns a tenth of one, up to a cap. With the budget spent, failures are reported
 * instead of retried until successes refill it, so retries stay near 10% of the traffic.
 */
final class RetryBudget {

    private static final double CAPACITY = 100;
    private static final double EARNED_PER_SUCCESS = 0.1;

    private double tokens = CAPACITY;

    synchronized boolean tryRetry() {
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    synchronized void succeeded() {
        tokens = Math.min(CAPACITY, tokens + EARNED_PER_SUCCESS);
    }
}
