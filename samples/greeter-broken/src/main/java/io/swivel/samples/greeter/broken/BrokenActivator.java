package io.swivel.samples.greeter.broken;

import io.swivel.api.BundleActivator;
import io.swivel.api.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The activator of greeter 3.0.0, which always refuses to start, whatever its configuration:
 * the sample of a failed deploy. Deploying it must leave the previous version serving.
 */
public final class BrokenActivator implements BundleActivator {

    private static final Logger LOG = LoggerFactory.getLogger(BrokenActivator.class);

    /**
     * Creates the activator; the runtime calls this constructor.
     */
    public BrokenActivator() {
    }

    @Override
    public void start(BundleContext context) {
        LOG.info("{} {} starting", context.bundleName(), context.bundleVersion());
        throw new IllegalStateException(
                "greeter 3.0.0 refuses to start: this sample fails on purpose, to show a failed deploy;"
                        + " the version serving before goes on serving");
    }
}
