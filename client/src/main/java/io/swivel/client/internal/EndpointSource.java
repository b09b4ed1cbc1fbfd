package io.swivel.client.internal;

import java.util.List;

/** Where a client's calls can go: one fixed server, or what ZooKeeper lists. */
interface EndpointSource extends AutoCloseable {

    /**
     * The servers that serve a service now.
     *
     * @param service the service name
     * @param versionConstraint "" for any version
     * @return the candidates; empty if none is known
     */
    List<ServerEndpoint> endpoints(String service, String versionConstraint);

    /** @return where the endpoints come from, for messages */
    String describe();

    /** Closes every connection. */
    @Override
    void close();
}
