package io.swivel.server.internal.deploy;

import java.nio.file.Path;

/** What the {@link DeployWatcher} asks of deployment when files in the deploy directory change. */
public interface DeploymentOperations {

    /**
     * Deploys a complete jar, unless its content was handled already.
     *
     * @param jar the jar
     * @return true if a new version serves now
     */
    boolean deploy(Path jar);

    /**
     * The jar left the deploy directory: the bundle that served from it stops serving.
     *
     * @param jar the deleted jar
     */
    void undeploy(Path jar);

    /**
     * A {@code <bundle>.properties} changed.
     *
     * @param bundle the bundle name
     */
    void configChanged(String bundle);

    /**
     * A jar is still being copied.
     *
     * @param jar the jar
     * @param size the bytes present so far
     */
    void pending(Path jar, long size);

    /**
     * A jar's copy made no progress: give up on it.
     *
     * @param jar the jar
     * @param error why
     */
    void stalled(Path jar, String error);
}
