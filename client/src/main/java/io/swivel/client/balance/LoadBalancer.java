package io.swivel.client.balance;

import java.util.List;

/**
 * Picks the endpoint for one call. Implementations are thread-safe and keep no reference to
 * endpoints beyond what they need.
 */
@FunctionalInterface
public interface LoadBalancer {

    /**
     * Picks the endpoint for one call.
     *
     * @param endpoints the candidates: non-empty and already filtered to healthy ones; the list may
     *     differ between calls, and is neither modified nor retained
     * @param firstArgument the call's first argument, or {@code null}; only
     *     {@link Balancers#CONSISTENT_HASH} uses it
     * @return one of {@code endpoints}
     * @throws IllegalArgumentException if {@code endpoints} is empty
     * @throws NullPointerException if {@code endpoints} is {@code null}
     */
    Endpoint pick(List<? extends Endpoint> endpoints, Object firstArgument);
}
