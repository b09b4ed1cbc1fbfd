/** The dubbo-benchmark workload as seen by a load generator: operations, modes, a peer's client. */
package io.swivel.bench.workload;
