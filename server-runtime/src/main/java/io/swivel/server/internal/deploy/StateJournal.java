package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleDescriptor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code <data-dir>/state.json} in step with what serves, so a restart serves the same
 * versions: a listener that rewrites the file whenever what a bundle serves changes. Its lock is
 * the last in the lock order.
 */
final class StateJournal implements LifecycleListener {

    private static final Logger log = LoggerFactory.getLogger(Deployer.class);

    private final StateFile file;
    /** Guarded by itself. */
    private final Map<String, SavedState.SavedBundle> bundles = new TreeMap<>();
    /** The shadows running, by bundle; guarded by {@link #bundles}. Written into their bundle's entry. */
    private final Map<String, SavedState.SavedShadow> shadows = new TreeMap<>();

    StateJournal(Path dataDir) {
        this.file = new StateFile(dataDir);
    }

    /** Reads what the last run left; what it holds stays in the journal until replaced or forgotten. */
    SavedState load() {
        SavedState saved = file.load();
        synchronized (bundles) {
            bundles.putAll(saved.bundles());
            saved.bundles().forEach((name, bundle) -> {
                if (bundle.shadow() != null) {
                    shadows.put(name, bundle.shadow());
                }
            });
        }
        return saved;
    }

    @Override
    public void servingChanged(BundleFacts facts) {
        if (facts.active() == null) {
            update(facts.name(), null);
            return;
        }
        String jarSha256 = facts.jarHolds() != null ? facts.jarHolds().sha256() : null;
        Rollout rollout = facts.rollout();
        SavedState.SavedCanary canary = facts.canary() != null && rollout != null
                ? new SavedState.SavedCanary(facts.canary().descriptor().sha256(), facts.canary().version(),
                        rollout.plan().describe(), rollout.step(), rollout.paused())
                : null;
        update(facts.name(), new SavedState.SavedBundle(facts.jar().getFileName().toString(), jarSha256,
                facts.active().descriptor().sha256(), facts.rolledBack(), facts.history().entries(), canary, null));
    }

    @Override
    public void undeployed(String bundle, Path jar) {
        if (bundle != null) {
            forgetShadow(bundle);
            update(bundle, null);
        }
    }

    @Override
    public void forgotten(String bundle) {
        forgetShadow(bundle);
        update(bundle, null);
    }

    @Override
    public void shadowStarted(ShadowMirror mirror, String message) {
        BundleDescriptor shadow = mirror.shadow().descriptor();
        synchronized (bundles) {
            shadows.put(shadow.name(), new SavedState.SavedShadow(shadow.sha256(), shadow.version(),
                    shadow.staged().getFileName().toString(), mirror.percent(), mirror.threads(), mirror.queue()));
            write();
        }
    }

    /**
     * Forgets the saved shadow only if it is the one that ended: a shadow replaced ends after
     * its successor's start was told, and the successor stays saved.
     */
    @Override
    public void shadowEnded(ShadowMirror mirror, boolean promoted, String message) {
        BundleDescriptor ended = mirror.shadow().descriptor();
        synchronized (bundles) {
            SavedState.SavedShadow saved = shadows.get(ended.name());
            if (saved != null && saved.sha256().equals(ended.sha256())
                    && saved.file().equals(ended.staged().getFileName().toString())) {
                shadows.remove(ended.name());
                write();
            }
        }
    }

    @Override
    public void shadowForgotten(String bundle, String version, Exception why) {
        forgetShadow(bundle);
    }

    private void forgetShadow(String bundle) {
        synchronized (bundles) {
            if (shadows.remove(bundle) != null) {
                write();
            }
        }
    }

    /** Writes the file as it stands (after the start-up deployments). */
    void save() {
        synchronized (bundles) {
            write();
        }
    }

    private void update(String bundle, SavedState.SavedBundle saved) {
        synchronized (bundles) {
            if (saved == null) {
                bundles.remove(bundle);
            } else {
                bundles.put(bundle, saved);
            }
            write();
        }
    }

    private void write() {
        try {
            Map<String, SavedState.SavedBundle> all = new TreeMap<>(bundles);
            all.replaceAll((name, bundle) -> bundle.withShadow(shadows.get(name)));
            file.save(new SavedState(SavedState.FORMAT, all));
        } catch (IOException e) {
            log.warn("cannot write {}; a restart may not serve the same versions", file.path(), e);
        }
    }
}
