/**
 * What the server measures: {@link io.swivel.server.internal.metrics.ServerMetrics}, the small interface
 * the deploy and dispatch code report to, and
 * {@link io.swivel.server.internal.metrics.PrometheusServerMetrics}, its Micrometer implementation with
 * one Prometheus registry per server, scraped at {@code GET /metrics} on the admin port.
 */
package io.swivel.server.internal.metrics;
