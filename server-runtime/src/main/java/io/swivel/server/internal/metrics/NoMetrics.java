package io.swivel.server.internal.metrics;

import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.Invoker;

/** Measures nothing; stateless. */
enum NoMetrics implements ServerMetrics {
    INSTANCE;

    @Override
    public void generationLoaded(BundleGeneration generation) {
    }

    @Override
    public void generationUnloaded(BundleGeneration generation) {
    }

    @Override
    public CallMeters method(BundleGeneration generation, Invoker invoker) {
        return CallMeters.NONE;
    }

    @Override
    public CallMeters unknownMethod(BundleGeneration generation, String service) {
        return CallMeters.NONE;
    }

    @Override
    public CallMeters unknownService() {
        return CallMeters.NONE;
    }

    @Override
    public void fatalError(BundleGeneration generation, String error) {
    }

    @Override
    public void deployed(String bundle) {
    }

    @Override
    public void deploymentFailed(String bundle, String cause) {
    }

    @Override
    public void rolledBack(String bundle, String cause) {
    }

    @Override
    public void swapped(String bundle, long nanos) {
    }

    @Override
    public void drained(String bundle, long nanos) {
    }
}
