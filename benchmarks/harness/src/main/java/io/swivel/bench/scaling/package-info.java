/** The scaling scenario: how throughput, latency, memory and deploy times grow with connections, body sizes, bundles, a bundle's size, and a cold start. */
package io.swivel.bench.scaling;
