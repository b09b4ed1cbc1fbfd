package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleGeneration;
import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the marker beside each jar ({@code .deployed}, {@code .failed}, {@code .rolledback},
 * {@code .pending}) describing that jar: what it holds, and what serves.
 */
final class MarkerWriter implements LifecycleListener {

    private static final Logger log = LoggerFactory.getLogger(Deployer.class);

    /** How a version serving instead is named in messages: {@code greeter 1.0.0 (from greeter.jar)}, or nothing. */
    static String describe(BundleGeneration serving) {
        return serving != null
                ? serving.name() + " " + serving.version() + " (from " + serving.descriptor().source().getFileName() + ")"
                : "nothing";
    }

    @Override
    public void failed(String bundle, String version, Path jar, DeploymentException error,
                       BundleGeneration servingInstead) {
        try {
            Markers.failed(jar, error, describe(servingInstead));
        } catch (IOException e) {
            log.warn("cannot write the .failed marker of {}", jar.getFileName(), e);
        }
    }

    @Override
    public void servingChanged(BundleFacts facts) {
        if (facts.active() == null || facts.jar() == null) {
            return;
        }
        try {
            if (facts.rolledBack() == null && facts.canary() != null && facts.rollout() != null) {
                Markers.deployed(facts.jar(), facts.canary().descriptor(), "canary at " + facts.rollout().describe()
                        + " beside " + facts.active().version() + "; " + facts.rollout().plan().describe());
            } else if (facts.rolledBack() == null) {
                Markers.deployed(facts.jar(), facts.active().descriptor());
            } else {
                Markers.rolledBack(facts.jar(), facts.name(), facts.rolledBack(), facts.active(), facts.jarHolds());
            }
        } catch (IOException e) {
            log.warn("{} serves, but the marker of {} cannot be written", facts.active(), facts.jar().getFileName(), e);
        }
    }

    @Override
    public void pending(Path jar, long size) {
        try {
            Markers.pending(jar, size);
        } catch (IOException e) {
            log.warn("cannot write the .pending marker of {}", jar.getFileName(), e);
        }
    }

    @Override
    public void undeployed(String bundle, Path jar) {
        try {
            Markers.clear(jar);
        } catch (IOException e) {
            log.warn("cannot remove the markers of {}", jar.getFileName(), e);
        }
    }
}
