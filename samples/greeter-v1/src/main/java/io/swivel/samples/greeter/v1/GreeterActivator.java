package io.swivel.samples.greeter.v1;

import io.swivel.api.BundleActivator;
import io.swivel.api.BundleContext;
import io.swivel.api.HealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start and stop hooks of greeter 1.0.0: logs and installs a health check.
 */
public final class GreeterActivator implements BundleActivator {

    private static final Logger LOG = LoggerFactory.getLogger(GreeterActivator.class);

    /**
     * Creates the activator; the runtime calls this constructor.
     */
    public GreeterActivator() {
    }

    @Override
    public void start(BundleContext context) {
        context.setHealthCheck(HealthCheck.Result::healthy);
        LOG.info("{} {} started", context.bundleName(), context.bundleVersion());
    }

    @Override
    public void stop(BundleContext context) {
        LOG.info("{} {} stopped", context.bundleName(), context.bundleVersion());
    }
}
