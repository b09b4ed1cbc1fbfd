package io.swivel.client.internal;

/**
 * Keeps retries from storming a sick cluster: every retry spends a token, every call that
 * succeeds earns a tenth of one, up to a cap. With the budget spent, failures are reported
 * instead of retried until successes refill it, so retries stay near 10% of the traffic.
 * Counted in tenths of a token, so ten successes buy exactly one retry.
 */
final class RetryBudget {

    private static final int TENTHS_PER_RETRY = 10;
    private static final int CAPACITY_TENTHS = 100 * TENTHS_PER_RETRY;

    private int tenths = CAPACITY_TENTHS;

    synchronized boolean tryRetry() {
        if (tenths < TENTHS_PER_RETRY) {
            return false;
        }
        tenths -= TENTHS_PER_RETRY;
        return true;
    }

    synchronized void succeeded() {
        if (tenths < CAPACITY_TENTHS) {
            tenths++;
        }
    }
}
