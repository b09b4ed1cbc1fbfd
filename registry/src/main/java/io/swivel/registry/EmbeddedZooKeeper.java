package io.swivel.registry;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.zookeeper.server.embedded.ExitHandler;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;

/**
 * A standalone ZooKeeper server inside the Swivel process, so that one machine needs nothing
 * else. It listens on the given address only (loopback by default) and keeps its data under
 * the given directory. Its admin server is off.
 */
public final class EmbeddedZooKeeper implements Closeable {

    private final ZooKeeperServerEmbedded server;
    private final String connectString;

    private EmbeddedZooKeeper(ZooKeeperServerEmbedded server, String connectString) {
        this.server = server;
        this.connectString = connectString;
    }

    /**
     * Starts a server.
     *
     * @param dataDir where its snapshots and logs go (created)
     * @param host the address it listens on
     * @param port the client port, 0 for any free one
     * @return the running server
     * @throws RegistryException if it cannot start (the port is taken, say)
     */
    public static EmbeddedZooKeeper start(Path dataDir, String host, int port) {
        Properties config = new Properties();
        config.setProperty("clientPort", String.valueOf(port));
        config.setProperty("clientPortAddress", host);
        config.setProperty("dataDir", dataDir.resolve("data").toAbsolutePath().toString());
        config.setProperty("tickTime", "2000");
        config.setProperty("maxSessionTimeout", "60000");
        config.setProperty("admin.enableServer", "false");
        config.setProperty("4lw.commands.whitelist", "ruok,stat");
        config.setProperty("autopurge.snapRetainCount", "3");
        config.setProperty("autopurge.purgeInterval", "1");
        ZooKeeperServerEmbedded server = null;
        try {
            Files.createDirectories(dataDir);
            server = ZooKeeperServerEmbedded.builder()
                    .baseDir(dataDir.toAbsolutePath())
                    .configuration(config)
                    .exitHandler(ExitHandler.LOG_ONLY)
                    .build();
            server.start(30_000);
            return new EmbeddedZooKeeper(server, host + ":" + server.getClientPort());
        } catch (Exception e) {
            if (server != null) {
                server.close();
            }
            throw new RegistryException("the embedded ZooKeeper cannot start on " + host + ":" + port + " ("
                    + e.getMessage() + "); is another ZooKeeper running there? use --embedded-zk-port or "
                    + "--zookeeper HOST:PORT", e);
        }
    }

    /** @return where clients connect, {@code host:port} */
    public String connectString() {
        return connectString;
    }

    /** Stops the server. */
    @Override
    public void close() throws IOException {
        server.close();
    }
}
