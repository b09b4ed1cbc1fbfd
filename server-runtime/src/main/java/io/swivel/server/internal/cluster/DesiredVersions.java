package io.swivel.server.internal.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.swivel.registry.RegistryPaths;
import java.io.IOException;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;

/**
 * Reads and writes the desired version of a bundle under {@code /swivel/desired/<bundle>}: the one
 * place both the CLI (a completed rollout, a cluster rollback, {@code --set-desired}) and the
 * servers that follow the cluster go through.
 */
public final class DesiredVersions {

    private final CuratorFramework client;
    private final ObjectMapper mapper = new ObjectMapper();

    /** @param client a connected Curator client */
    public DesiredVersions(CuratorFramework client) {
        this.client = client;
    }

    /**
     * @param bundle a bundle name
     * @return the znode that holds its desired version
     */
    public static String path(String bundle) {
        return ZKPaths.makePath(RegistryPaths.DESIRED, bundle);
    }

    /**
     * Sets (or replaces) a bundle's desired version.
     *
     * @param desired what every server should serve
     * @throws Exception when ZooKeeper refuses or cannot be reached
     */
    public void set(DesiredVersion desired) throws Exception {
        byte[] data = mapper.writeValueAsBytes(desired);
        String path = path(desired.bundle());
        try {
            client.setData().forPath(path, data);
        } catch (KeeperException.NoNodeException absent) {
            try {
                client.create().creatingParentsIfNeeded().forPath(path, data);
            } catch (KeeperException.NodeExistsException raced) {
                client.setData().forPath(path, data);
            }
        }
    }

    /**
     * @param bundle a bundle name
     * @return its desired version, or empty when none is set
     * @throws Exception when ZooKeeper cannot be reached
     * @throws IOException when the znode holds something that is not a desired version
     */
    public Optional<DesiredVersion> get(String bundle) throws Exception {
        try {
            return Optional.of(parse(bundle, client.getData().forPath(path(bundle))));
        } catch (KeeperException.NoNodeException absent) {
            return Optional.empty();
        }
    }

    /**
     * Every bundle's desired version; a znode that does not hold one is left out.
     *
     * @return the desired versions by bundle name, sorted
     * @throws Exception when ZooKeeper cannot be reached
     */
    public java.util.SortedMap<String, DesiredVersion> all() throws Exception {
        java.util.SortedMap<String, DesiredVersion> all = new java.util.TreeMap<>();
        java.util.List<String> bundles;
        try {
            bundles = client.getChildren().forPath(RegistryPaths.DESIRED);
        } catch (KeeperException.NoNodeException none) {
            return all;
        }
        for (String bundle : bundles) {
            try {
                get(bundle).ifPresent(desired -> all.put(bundle, desired));
            } catch (IOException unreadable) {
                // written by hand or by a newer release: not a version this reader can follow
                org.slf4j.LoggerFactory.getLogger(DesiredVersions.class).warn("{}", unreadable.getMessage());
            }
        }
        return all;
    }

    /**
     * Parses what a desired-version znode holds.
     *
     * @param bundle the bundle the znode is named after, for the error
     * @param data the znode's bytes
     * @return the desired version
     * @throws IOException when the bytes are not a desired version of that bundle
     */
    public DesiredVersion parse(String bundle, byte[] data) throws IOException {
        DesiredVersion desired;
        try {
            desired = mapper.readValue(data, DesiredVersion.class);
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            throw new IOException(path(bundle) + " does not hold a desired version: " + e.getMessage(), e);
        }
        if (!desired.bundle().equals(bundle)) {
            throw new IOException(path(bundle) + " names bundle " + desired.bundle());
        }
        return desired;
    }

    /**
     * Clears a bundle's desired version (the cluster no longer asks for one).
     *
     * @param bundle a bundle name
     * @throws Exception when ZooKeeper refuses or cannot be reached
     */
    public void clear(String bundle) throws Exception {
        try {
            client.delete().deletingChildrenIfNeeded().forPath(path(bundle));
        } catch (KeeperException.NoNodeException absent) {
            // nothing was set
        }
    }
}
