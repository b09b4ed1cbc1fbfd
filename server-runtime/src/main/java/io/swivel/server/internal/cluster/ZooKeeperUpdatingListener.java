package io.swivel.server.internal.cluster;

import io.swivel.server.internal.announce.RunningServer;
import io.swivel.server.internal.announce.ServerListener;
import io.swivel.server.config.ServerConfig;
import java.util.Optional;

/**
 * Keeps a server's services registered in ZooKeeper while it runs and executes the cluster
 * commands addressed to it: connects when the server starts (starting the embedded ZooKeeper
 * if configured), publishes once the ports are bound, deregisters first when it closes, and
 * closes the client last.
 */
final class ZooKeeperUpdatingListener implements ServerListener {

    private final ServerConfig config;
    private final java.time.Clock clock;
    private volatile Registration registration;
    private volatile ClusterCommands commands;

    private ZooKeeperUpdatingListener(ServerConfig config, java.time.Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /**
     * The listener a configuration asks for.
     *
     * @param config the server configuration
     * @param clock the server's clock: since when a version serves (its warm-up), which commands are old
     * @return the listener, or empty with {@code --zookeeper none}
     */
    static Optional<ZooKeeperUpdatingListener> forConfig(ServerConfig config, java.time.Clock clock) {
        return config.zookeeper().equals(ServerConfig.NO_ZOOKEEPER) ? Optional.empty()
                : Optional.of(new ZooKeeperUpdatingListener(config, clock));
    }

    /** @return the registration, once the server started; null before */
    Registration registration() {
        return registration;
    }

    /** @return where ZooKeeper is, {@code host:port,...}, once connected; null before */
    String connectString() {
        Registration connected = registration;
        return connected != null ? connected.connectString() : null;
    }

    @Override
    public void serverStarting(RunningServer server) {
        Registration connected = Registration.connect(config, clock);
        registration = connected;
        server.metrics().bindZooKeeper(connected::connected);
    }

    @Override
    public void serverStarted(RunningServer server) {
        Registration connected = registration;
        connected.publish(server.directory(), server.rpcAddress(), server.adminAddress());
        commands = new ClusterCommands(connected.client(), connected.instanceId(), server.deployments(),
                ClusterCommands.STALE_AFTER, clock);
    }

    @Override
    public void serverStopping(RunningServer server) {
        ClusterCommands running = commands;
        if (running != null) {
            running.close();
        }
        Registration connected = registration;
        if (connected != null) {
            connected.deregister();
        }
    }

    @Override
    public void serverStopped(RunningServer server) {
        Registration connected = registration;
        if (connected != null) {
            connected.close();
        }
    }
}
