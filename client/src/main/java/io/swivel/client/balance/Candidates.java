package io.swivel.client.balance;

import java.util.List;
import java.util.Objects;

/** Argument checks shared by the balancers. */
final class Candidates {

    private Candidates() {
    }

    /**
     * Checks the candidate list of a pick.
     *
     * @return its size, at least 1
     */
    static int require(List<? extends Endpoint> endpoints) {
        Objects.requireNonNull(endpoints, "endpoints");
        int size = endpoints.size();
        if (size == 0) {
            throw new IllegalArgumentException("endpoints: empty (expected: at least one)");
        }
        return size;
    }
}
