/** The scenarios: throughput and latency side by side, hot swap under load, deploy and rollback, redeploy memory, JMH. */
package io.swivel.bench.scenario;
