package io.swivel.bench.scenario;

import io.swivel.bench.peer.Launcher;
import io.swivel.bench.report.Report;

/**
 * What every scenario works with.
 *
 * @param settings the run's settings
 * @param launcher how to start JVMs
 * @param report where tables go
 * @param progress where progress lines go
 */
public record Context(BenchSettings settings, Launcher launcher, Report report, Progress progress) {
}
