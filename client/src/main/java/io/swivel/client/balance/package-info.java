/**
 * Load balancing: how a client chooses, for each call, one of the healthy servers that offer
 * the service.
 *
 * <p>The client's connection pool exposes each server as an {@link io.swivel.client.balance.Endpoint};
 * a {@link io.swivel.client.balance.LoadBalancer}, created from one of the
 * {@link io.swivel.client.balance.Balancers}, picks one per call. Every balancer is thread-safe and
 * keeps no static state, so each client or proxy owns its own instance.
 * {@link io.swivel.client.balance.LatencyEwma} is the per-endpoint latency average that
 * {@link io.swivel.client.balance.Balancers#P2C_EWMA} reads.
 */
package io.swivel.client.balance;
