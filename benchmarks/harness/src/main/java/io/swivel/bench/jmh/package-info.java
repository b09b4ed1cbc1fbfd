/** JMH micro-benchmarks: Swivel's codec and in-process dispatch. */
package io.swivel.bench.jmh;
