package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleDescriptor;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.dispatch.CallMirror;
import io.swivel.server.internal.dispatch.CanarySplit;
import io.swivel.server.internal.dispatch.ServiceConflictException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The {@link Host} every lifecycle of a deployer uses: the real one, that tells the listeners
 * of each version it loads ({@link LifecycleListener#loaded}) before returning it, so before
 * any version can be activated, routed, made a canary or a shadow. Every load of every path
 * (deploy, canary, rollback from history, restart, configuration restart, shadow) goes through
 * here; every unload through the {@link Retirer}, which tells {@link LifecycleListener#unloaded}.
 */
final class AnnouncingHost implements Host {

    private final Host host;
    private final LifecycleListener listener;

    AnnouncingHost(Host host, LifecycleListener listener) {
        this.host = host;
        this.listener = listener;
    }

    @Override
    public BundleGeneration load(BundleDescriptor descriptor) throws DeploymentException {
        BundleGeneration generation = host.load(descriptor);
        listener.loaded(generation);
        return generation;
    }

    @Override
    public BundleDescriptor fromHistory(String bundle, HistoryEntry entry, Path jar) throws DeploymentException {
        return host.fromHistory(bundle, entry, jar);
    }

    @Override
    public Map<String, String> readConfig(BundleDescriptor descriptor) throws DeploymentException {
        return host.readConfig(descriptor);
    }

    @Override
    public BundleGeneration activate(BundleGeneration generation) throws ServiceConflictException {
        return host.activate(generation);
    }

    @Override
    public void split(String bundle, CanarySplit split) {
        host.split(bundle, split);
    }

    @Override
    public void mirror(String bundle, CallMirror mirror) {
        host.mirror(bundle, mirror);
    }

    @Override
    public void remove(String bundle) {
        host.remove(bundle);
    }

    @Override
    public void deleteFromHistory(String bundle, String file) {
        host.deleteFromHistory(bundle, file);
    }
}
