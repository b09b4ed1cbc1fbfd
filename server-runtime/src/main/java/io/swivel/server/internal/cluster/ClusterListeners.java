package io.swivel.server.internal.cluster;

import io.swivel.server.config.ServerConfig;
import io.swivel.server.internal.announce.ServerListener;
import io.swivel.server.internal.deploy.BundleUpload;
import io.swivel.server.internal.deploy.EventLog;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The server listeners that announce a server in its cluster, as its configuration asks: the
 * ZooKeeper registration and cluster commands ({@link ZooKeeperUpdatingListener}) and, with
 * {@code --follow-cluster}, the {@link ClusterFollower}; none with {@code --zookeeper none}. The
 * server holds them only as {@link ServerListener}s, so it does not know ZooKeeper.
 */
public final class ClusterListeners {

    /** Null with {@code --zookeeper none}. */
    private final ZooKeeperUpdatingListener zookeeper;
    private final List<ServerListener> listeners;

    private ClusterListeners(ZooKeeperUpdatingListener zookeeper, List<ServerListener> listeners) {
        this.zookeeper = zookeeper;
        this.listeners = List.copyOf(listeners);
    }

    /**
     * The listeners a configuration asks for.
     *
     * @param config the server configuration
     * @param clock decides a follower's retries and give-ups, the registration's warm-up and the
     *     pruning of old cluster commands
     * @param authorization the admin API's {@code Authorization} value, which a follower presents to
     *     the peers it fetches jars from
     * @param upload where a follower hands the jars it fetched
     * @param events where a follower reports its convergence
     * @return the listeners, in the order they start (they stop in reverse)
     */
    public static ClusterListeners forConfig(ServerConfig config, Clock clock, String authorization,
                                             BundleUpload upload, EventLog events) {
        ZooKeeperUpdatingListener zookeeper = ZooKeeperUpdatingListener.forConfig(config, clock).orElse(null);
        List<ServerListener> listeners = new ArrayList<>(2);
        if (zookeeper != null) {
            listeners.add(zookeeper);
        }
        // the follower after the registration: it starts once the server is registered, and stops first
        ClusterFollower.forConfig(config, clock, zookeeper, authorization, upload, events).ifPresent(listeners::add);
        return new ClusterListeners(zookeeper, listeners);
    }

    /** @return the listeners, in the order they start */
    public List<ServerListener> listeners() {
        return listeners;
    }

    /** @return the server's registration once it started; null before, or with {@code --zookeeper none} */
    public Registration registration() {
        return zookeeper != null ? zookeeper.registration() : null;
    }

    /** @return where the server registers, {@code host:port,...}, once connected; empty before or without one */
    public Optional<String> connectString() {
        return Optional.ofNullable(zookeeper != null ? zookeeper.connectString() : null);
    }
}
