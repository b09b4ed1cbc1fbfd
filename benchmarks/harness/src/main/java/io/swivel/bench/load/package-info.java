/** The load generator: phases of blocking or asynchronous calls, measured with HdrHistogram. */
package io.swivel.bench.load;
