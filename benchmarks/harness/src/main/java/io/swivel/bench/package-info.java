/** The benchmark harness: {@code benchmarks/run.sh}'s entry point. */
package io.swivel.bench;
