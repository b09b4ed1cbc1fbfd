package io.swivel.client.internal;

import java.util.List;

/** One server given by address; the server checks any version constraint itself. */
final class FixedEndpoints implements EndpointSource {

    private final ServerEndpoint endpoint;

    FixedEndpoints(ServerEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public List<ServerEndpoint> endpoints(String service, String versionConstraint) {
        return List.of(endpoint);
    }

    @Override
    public String describe() {
        return endpoint.id();
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
