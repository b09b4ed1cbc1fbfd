package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleGeneration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** What {@code swivel status} and {@code GET /v1/bundles} show, read from the lifecycles without waiting for them. */
final class StatusQuery {

    private StatusQuery() {
    }

    /** The bundles serving, on standby, or failed, sorted by name. */
    static List<BundleView> of(Collection<BundleLifecycle> lifecycles) {
        List<BundleView> views = new ArrayList<>();
        for (BundleLifecycle lifecycle : lifecycles) {
            BundleView view = view(lifecycle);
            if (view.active() != null || view.standby() != null || view.canary() != null || view.lastError() != null) {
                views.add(view);
            }
        }
        views.sort(Comparator.comparing(BundleView::name));
        return views;
    }

    static BundleView view(BundleLifecycle lifecycle) {
        BundleGeneration canary = lifecycle.canary();
        Rollout rollout = lifecycle.rollout();
        int canaryWeight = canary != null && rollout != null ? rollout.weight() : 0;
        BundleView.RolloutView progress = canary != null && rollout != null
                ? new BundleView.RolloutView(rollout.plan().describe(), rollout.plan().steps(), rollout.step(),
                        rollout.weight(), rollout.plan().sticky(), rollout.paused(), rollout.nextStepAt(),
                        rollout.lastAnalysis())
                : null;
        return new BundleView(lifecycle.name(), lifecycle.jar() != null ? lifecycle.jar().getFileName().toString() : null,
                version(lifecycle.active(), 100 - canaryWeight), version(lifecycle.standby(), 0),
                lifecycle.probationEndsAt(), lifecycle.rolledBack(), lifecycle.lastError(), lifecycle.lastErrorAt(),
                lifecycle.history().entries(), version(canary, canaryWeight), progress);
    }

    private static BundleView.Version version(BundleGeneration generation, int weight) {
        if (generation == null) {
            return null;
        }
        return new BundleView.Version(generation.version(), generation.descriptor().sha256(), generation.state().name(),
                generation.inFlight(), generation.completedCalls(), generation.failedCalls(), generation.serviceNames(),
                weight);
    }
}
