package io.swivel.server.context;

import java.util.concurrent.CompletableFuture;

/** The service of the test bundles that {@link ContextBundles} builds: it tells what its CallContext says. */
public interface Whoami {

    /** @return the call's context as {@code key=value;...}: tenant, bundle, remote, deadline, peer, thread, trace */
    String describe();

    /** @return the same, from a method that returns a future */
    CompletableFuture<String> describeAsync();

    /**
     * @param label echoed back, so interceptors see an argument
     * @return the tenant entry of the call's metadata, or "none"
     */
    String tenant(String label);

    /** @return what the bundle's interceptor saw, one line per call, oldest first */
    String seen();

    /**
     * Calls {@link #describe()} on another server with a Swivel client inside this call (the trace
     * and the forwarded metadata go along).
     *
     * @param port the other server's RPC port on 127.0.0.1
     * @return what the other server described
     */
    String relay(int port);
}
