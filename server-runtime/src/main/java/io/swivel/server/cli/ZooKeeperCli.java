package io.swivel.server.cli;

import ch.qos.logback.classic.Level;
import io.swivel.registry.RegistryException;
import io.swivel.registry.ZooKeeperClients;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.LoggerFactory;

/**
 * How {@code swivel services} and {@code swivel rollback --cluster} reach ZooKeeper: the ZooKeeper
 * client's own logging is off while they run (it repeats every failed attempt with a stack trace),
 * a ZooKeeper that refuses connections is said at once, and every failure is one line that says
 * where the embedded ZooKeeper lives.
 */
final class ZooKeeperCli implements AutoCloseable {

    private static final String[] NOISY = {"org.apache.zookeeper", "org.apache.curator"};
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final int PROBE_MILLIS = 1000;

    private final List<Level> before = new ArrayList<>();
    private final CuratorFramework client;

    private ZooKeeperCli(String connectString) {
        for (String name : NOISY) {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
                before.add(logger.getLevel());
                logger.setLevel(Level.OFF);
            }
        }
        try {
            refuseAtOnceIfNothingListens(connectString);
            client = ZooKeeperClients.connect(connectString, Duration.ofSeconds(10), CONNECT_TIMEOUT);
        } catch (RegistryException e) {
            restoreLogging();
            throw new CliException(unreachable(connectString, "no answer within " + CONNECT_TIMEOUT.toSeconds() + " s"), e);
        } catch (RuntimeException e) {
            restoreLogging();
            throw e;
        }
    }

    /**
     * Connects, quietly.
     *
     * @param connectString {@code host:port,...}
     * @return the connection; close it to close the client and restore the logging
     * @throws CliException with the one line to print when no ZooKeeper answers
     */
    static ZooKeeperCli connect(String connectString) {
        return new ZooKeeperCli(connectString);
    }

    CuratorFramework client() {
        return client;
    }

    /** @return the one line for a ZooKeeper that does not answer */
    static String unreachable(String connectString, String why) {
        return "no ZooKeeper answers at " + connectString + " (" + why + "); the embedded ZooKeeper runs inside "
                + "'swivel serve', so start the server first, or name your ensemble with --zookeeper HOST:PORT,...";
    }

    /** Every address refuses the connection (nothing listens): no point in retrying for seconds. */
    private static void refuseAtOnceIfNothingListens(String connectString) {
        String hosts = connectString.contains("/") ? connectString.substring(0, connectString.indexOf('/')) : connectString;
        for (String address : hosts.split(",")) {
            int colon = address.lastIndexOf(':');
            String host = colon < 0 ? address.trim() : address.substring(0, colon).trim();
            int port;
            try {
                port = colon < 0 ? 2181 : Integer.parseInt(address.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new CliException("--zookeeper " + connectString + ": '" + address + "' is not HOST:PORT", e);
            }
            if (!refuses(host, port)) {
                return; // something may listen: ZooKeeper's client finds out the rest, within its timeout
            }
        }
        throw new CliException(unreachable(connectString, "connection refused"));
    }

    private static boolean refuses(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), PROBE_MILLIS);
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException other) {
            return false; // an unknown host or a timeout: not known to refuse
        }
    }

    private void restoreLogging() {
        for (int i = 0; i < before.size(); i++) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(NOISY[i])).setLevel(before.get(i));
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            restoreLogging();
        }
    }
}
