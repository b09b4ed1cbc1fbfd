package ${package};

import io.swivel.api.BundleContext;
import io.swivel.api.RpcService;

/**
 * The implementation, found by the server through {@code @RpcService} and built with the bundle's context.
 */
@RpcService(Greeter.class)
public final class GreeterService implements Greeter {

    private final BundleContext context;

    /**
     * Called by the server when this version of the bundle starts.
     *
     * @param context the bundle's name, version and configuration
     */
    public GreeterService(BundleContext context) {
        this.context = context;
    }

    @Override
    public String greet(String name) {
        return context.config().get("greeting", "Hello") + ", " + name;
    }
}
