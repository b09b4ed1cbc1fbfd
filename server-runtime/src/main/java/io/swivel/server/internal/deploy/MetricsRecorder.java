package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.metrics.ServerMetrics;
import java.nio.file.Path;

/**
 * Counts deployments, failures, rollbacks, swaps and drains in the server's meters, and gives
 * each version its own meters from its load (before its first call) to its unload.
 */
final class MetricsRecorder implements LifecycleListener {

    private final ServerMetrics metrics;

    MetricsRecorder(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void loaded(BundleGeneration generation) {
        metrics.generationLoaded(generation);
    }

    @Override
    public void unloaded(BundleGeneration generation) {
        metrics.generationUnloaded(generation);
    }

    @Override
    public void failed(String bundle, String version, Path jar, DeploymentException error,
                       BundleGeneration servingInstead) {
        metrics.deploymentFailed(bundle, error.failure().label());
    }

    @Override
    public void deployed(BundleGeneration generation, Path jar, BundleGeneration previous, long nanos) {
        metrics.deployed(generation.name());
    }

    @Override
    public void restored(BundleGeneration generation, Path jar, String jarVersion, Rollback rollback) {
        metrics.deployed(generation.name());
    }

    @Override
    public void swapped(BundleGeneration from, BundleGeneration to, long nanos) {
        metrics.swapped(to.name(), nanos);
    }

    @Override
    public void drained(BundleGeneration generation, Retirer.Drain drain) {
        metrics.drained(generation.name(), drain.nanos());
    }

    @Override
    public void rolledBack(BundleGeneration from, BundleGeneration to, String source, Rollback rollback,
                           String message) {
        String by = rollback.by();
        metrics.rolledBack(to.name(), Deployer.BY_ADMIN.equals(by) ? "admin"
                : BundleLifecycle.BY_PROBATION.equals(by) ? "probation"
                : BundleLifecycle.BY_ANALYSIS.equals(by) ? "canary_analysis" : "cluster");
    }

    @Override
    public void canaryWeighted(BundleGeneration canary, BundleGeneration stable, Rollout rollout) {
        metrics.trafficWeight(canary.name(), canary.version(), rollout.weight());
        metrics.trafficWeight(stable.name(), stable.version(), 100 - rollout.weight());
    }

    @Override
    public void canaryAnalysed(String bundle, CanaryAnalysis analysis) {
        metrics.canaryAnalysis(bundle, analysis.outcome().label());
    }

    @Override
    public void canaryEnded(BundleGeneration canary, BundleGeneration stable, boolean promoted, String message) {
        metrics.trafficWeight(canary.name(), canary.version(), promoted ? 100 : 0);
        if (stable != null) {
            metrics.trafficWeight(stable.name(), stable.version(), promoted ? 0 : 100);
        }
    }
}
