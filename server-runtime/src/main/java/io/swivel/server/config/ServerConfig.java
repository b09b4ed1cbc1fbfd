package io.swivel.server.config;

import io.swivel.protocol.Frame;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a server is told at start: where it looks for bundles, where it keeps its data,
 * and where it listens. Build with {@link #defaults()} and the {@code with*} methods.
 *
 * @param deployDir the watched directory of bundle jars
 * @param dataDir state, history, admin token
 * @param bind the address both listeners bind (loopback unless told otherwise)
 * @param port the {@code swivel/1} port, 0 for ephemeral
 * @param adminPort the admin HTTP port, 0 for ephemeral
 * @param maxFrameLength the longest frame accepted
 * @param stepTimeout the limit of each bundle start-up step
 * @param workerThreads the most threads running calls of one bundle version
 * @param queueCapacity calls waiting per bundle version before {@code OVERLOADED}
 */
public record ServerConfig(Path deployDir, Path dataDir, String bind, int port, int adminPort, int maxFrameLength,
                           Duration stepTimeout, int workerThreads, int queueCapacity) {

    /** The default {@code swivel/1} port. */
    public static final int DEFAULT_PORT = 7700;
    /** The default admin port. */
    public static final int DEFAULT_ADMIN_PORT = 7701;

    /**
     * Validates a configuration.
     *
     * @param deployDir the deploy directory
     * @param dataDir the data directory
     * @param bind the bind address
     * @param port the RPC port
     * @param adminPort the admin port
     * @param maxFrameLength the frame limit
     * @param stepTimeout the start-up step limit
     * @param workerThreads threads per bundle version
     * @param queueCapacity queue per bundle version
     */
    public ServerConfig {
        Objects.requireNonNull(deployDir, "deployDir");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(stepTimeout, "stepTimeout");
        checkPort(port, "port");
        checkPort(adminPort, "adminPort");
        if (maxFrameLength < 1024) {
            throw new IllegalArgumentException("maxFrameLength: " + maxFrameLength + " (expected: >= 1024)");
        }
        if (workerThreads < 1) {
            throw new IllegalArgumentException("workerThreads: " + workerThreads + " (expected: >= 1)");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity: " + queueCapacity + " (expected: >= 1)");
        }
    }

    /**
     * The defaults of {@code swivel serve}.
     *
     * @return ./deploy-dir, ./.swivel, 127.0.0.1, ports 7700 and 7701
     */
    public static ServerConfig defaults() {
        return new ServerConfig(Path.of("deploy-dir"), Path.of(".swivel"), "127.0.0.1", DEFAULT_PORT,
                DEFAULT_ADMIN_PORT, Frame.DEFAULT_MAX_FRAME_LENGTH, Duration.ofSeconds(10), 64, 4096);
    }

    /**
     * @param dir the deploy directory
     * @return a copy with it
     */
    public ServerConfig withDeployDir(Path dir) {
        return new ServerConfig(dir, dataDir, bind, port, adminPort, maxFrameLength, stepTimeout, workerThreads, queueCapacity);
    }

    /**
     * @param dir the data directory
     * @return a copy with it
     */
    public ServerConfig withDataDir(Path dir) {
        return new ServerConfig(deployDir, dir, bind, port, adminPort, maxFrameLength, stepTimeout, workerThreads, queueCapacity);
    }

    /**
     * @param address the bind address
     * @return a copy with it
     */
    public ServerConfig withBind(String address) {
        return new ServerConfig(deployDir, dataDir, address, port, adminPort, maxFrameLength, stepTimeout, workerThreads, queueCapacity);
    }

    /**
     * @param rpcPort the RPC port
     * @param admin the admin port
     * @return a copy with them
     */
    public ServerConfig withPorts(int rpcPort, int admin) {
        return new ServerConfig(deployDir, dataDir, bind, rpcPort, admin, maxFrameLength, stepTimeout, workerThreads, queueCapacity);
    }

    /**
     * @param length the frame limit
     * @return a copy with it
     */
    public ServerConfig withMaxFrameLength(int length) {
        return new ServerConfig(deployDir, dataDir, bind, port, adminPort, length, stepTimeout, workerThreads, queueCapacity);
    }

    /**
     * @param timeout the start-up step limit
     * @return a copy with it
     */
    public ServerConfig withStepTimeout(Duration timeout) {
        return new ServerConfig(deployDir, dataDir, bind, port, adminPort, maxFrameLength, timeout, workerThreads, queueCapacity);
    }

    private static void checkPort(int port, String name) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + ": " + port + " (expected: 0..65535)");
        }
    }
}
