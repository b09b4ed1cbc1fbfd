package io.swivel.registry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;

/** Opens Curator clients the way Swivel uses them: explicit timeouts, connected before use. */
public final class ZooKeeperClients {

    /** The session timeout used unless told otherwise. */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(15);

    private ZooKeeperClients() {
    }

    /**
     * Opens a client and waits until it is connected.
     *
     * @param connectString {@code host:port,...}
     * @param sessionTimeout how long ZooKeeper keeps the session (and the ephemeral nodes) of a
     *     client it no longer hears from
     * @param connectTimeout how long to wait for the first connection
     * @return a started, connected client
     * @throws RegistryException if no ZooKeeper answers in time
     */
    public static CuratorFramework connect(String connectString, Duration sessionTimeout, Duration connectTimeout) {
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(connectString)
                .sessionTimeoutMs((int) sessionTimeout.toMillis())
                .connectionTimeoutMs((int) Math.min(connectTimeout.toMillis(), sessionTimeout.toMillis()))
                // capped at 5 s without a warning per retry ("Sleep extension too large") during an outage
                .retryPolicy(new BoundedExponentialBackoffRetry(200, 5_000, 10))
                .build();
        client.start();
        boolean connected;
        try {
            connected = client.blockUntilConnected((int) connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connected = false;
        }
        if (!connected) {
            client.close();
            throw new RegistryException("no ZooKeeper answers at " + connectString + " within "
                    + connectTimeout.toMillis() + " ms; start it, or check --zookeeper", null);
        }
        return client;
    }
}
