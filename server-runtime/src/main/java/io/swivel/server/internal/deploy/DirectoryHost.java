package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleDescriptor;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.dispatch.ServiceConflictException;
import io.swivel.server.internal.dispatch.ServiceDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The real {@link Host}: the bundle loader, the service directory and {@code <data-dir>/history}. */
final class DirectoryHost implements Host {

    private static final Logger log = LoggerFactory.getLogger(Deployer.class);

    private final BundleLoader loader;
    private final ServiceDirectory directory;
    private final Path historyDir;

    DirectoryHost(BundleLoader loader, ServiceDirectory directory, Path historyDir) {
        this.loader = loader;
        this.directory = directory;
        this.historyDir = historyDir;
    }

    @Override
    public BundleGeneration load(BundleDescriptor descriptor) throws DeploymentException {
        return loader.load(descriptor);
    }

    @Override
    public BundleDescriptor fromHistory(String bundle, HistoryEntry entry, Path jar) throws DeploymentException {
        return BundleJars.fromHistory(historyDir.resolve(bundle).resolve(entry.file()), jar);
    }

    @Override
    public Map<String, String> readConfig(BundleDescriptor descriptor) throws DeploymentException {
        return loader.readConfig(descriptor);
    }

    @Override
    public BundleGeneration activate(BundleGeneration generation) throws ServiceConflictException {
        return directory.activate(generation);
    }

    @Override
    public void split(String bundle, io.swivel.server.internal.dispatch.CanarySplit split) {
        directory.split(bundle, split);
    }

    @Override
    public void mirror(String bundle, io.swivel.server.internal.dispatch.CallMirror mirror) {
        directory.mirror(bundle, mirror);
    }

    @Override
    public void remove(String bundle) {
        directory.remove(bundle);
    }

    @Override
    public void deleteFromHistory(String bundle, String file) {
        Path path = historyDir.resolve(bundle).resolve(file);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.warn("cannot delete {} from history", path, e);
        }
    }
}
