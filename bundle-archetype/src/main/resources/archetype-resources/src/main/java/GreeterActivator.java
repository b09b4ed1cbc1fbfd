package ${package};

import io.swivel.api.BundleActivator;
import io.swivel.api.BundleContext;
import io.swivel.api.HealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start and stop hooks of the bundle: installs the health check that the server runs after start (a failing check
 * keeps this version from serving) and during probation (a failing check rolls it back).
 */
public final class GreeterActivator implements BundleActivator {

    private static final Logger log = LoggerFactory.getLogger(GreeterActivator.class);

    @Override
    public void start(BundleContext context) {
        context.setHealthCheck(() -> context.config().get("greeting", "").isBlank()
                ? HealthCheck.Result.unhealthy("greeting is empty: set it in swivel-bundle.properties or "
                        + context.bundleName() + ".properties")
                : HealthCheck.Result.healthy());
        log.info("started with greeting '{}'", context.config().get("greeting"));
    }

    @Override
    public void stop(BundleContext context) {
        log.info("stopped");
    }
}
