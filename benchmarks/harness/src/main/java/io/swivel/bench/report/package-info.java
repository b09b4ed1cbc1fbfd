/** The run's report: markdown and CSV tables, medians. */
package io.swivel.bench.report;
