package io.swivel.bundletest;

import java.nio.file.Path;

/**
 * Thrown when a jar given to {@link SwivelTestServer#deploy(Path)} does not serve: it failed, was rolled back or
 * was not handled in time; the message holds the server's marker text.
 */
public final class BundleDeployException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path jar;

    BundleDeployException(Path jar, String message) {
        super(message);
        this.jar = jar;
    }

    /** @return the jar in the deploy directory that did not serve */
    public Path jar() {
        return jar;
    }
}
