package io.swivel.server.internal.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swivel.registry.RegistryPaths;
import io.swivel.server.internal.deploy.Deployments;
import io.swivel.server.internal.Threads;
import io.swivel.server.internal.deploy.RollbackException;
import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes cluster commands written under {@code /swivel/commands} (by
 * {@code swivel rollback --cluster}) on this server, and answers each under
 * {@code /swivel/commands/<command>/results/<host:port>} with {@code {"status", "message"}} (and, after
 * a rollback, the {@code version} and {@code sha256} the bundle serves then).
 * Only commands created after this server started are executed. Commands older than
 * {@link #STALE_AFTER} (left behind by a CLI that died while waiting) are deleted with their
 * results, at start and then periodically, by whichever server gets there first.
 */
public final class ClusterCommands implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(ClusterCommands.class);

    /** How old a command must be before it is pruned; far beyond any CLI's wait. */
    public static final Duration STALE_AFTER = Duration.ofMinutes(10);

    private final CuratorFramework client;
    private final String instanceId;
    private final Deployments deployer;
    private final CuratorCache cache;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Duration staleAfter;
    private final Clock clock;
    private final ScheduledExecutorService executor =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("swivel-cluster-commands"));

    /**
     * Starts listening for commands.
     *
     * @param client a connected Curator client
     * @param instanceId this server's id, {@code host:port}
     * @param deployer executes rollbacks
     */
    public ClusterCommands(CuratorFramework client, String instanceId, Deployments deployer) {
        this(client, instanceId, deployer, STALE_AFTER);
    }

    /**
     * Starts listening for commands, pruning those older than {@code staleAfter}.
     *
     * @param client a connected Curator client
     * @param instanceId this server's id, {@code host:port}
     * @param deployer executes rollbacks
     * @param staleAfter the age after which a command is deleted
     */
    public ClusterCommands(CuratorFramework client, String instanceId, Deployments deployer, Duration staleAfter) {
        this(client, instanceId, deployer, staleAfter, Clock.systemUTC());
    }

    /**
     * Starts listening for commands, pruning those older than {@code staleAfter} by {@code clock}
     * (a command's age is the clock's time less its znode's creation time).
     *
     * @param client a connected Curator client
     * @param instanceId this server's id, {@code host:port}
     * @param deployer executes rollbacks
     * @param staleAfter the age after which a command is deleted
     * @param clock the server's clock
     */
    public ClusterCommands(CuratorFramework client, String instanceId, Deployments deployer, Duration staleAfter,
                           Clock clock) {
        this.clock = clock;
        this.client = client;
        this.instanceId = instanceId;
        this.deployer = deployer;
        this.staleAfter = staleAfter;
        this.cache = CuratorCache.build(client, RegistryPaths.COMMANDS);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreates(this::created)
                .afterInitialized()
                .build());
        cache.start();
        long every = Math.max(100, staleAfter.toMillis() / 2);
        executor.scheduleWithFixedDelay(this::pruneStale, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Deletes commands (with their results) created longer than {@code staleAfter} ago. */
    private void pruneStale() {
        try {
            if (client.checkExists().forPath(RegistryPaths.COMMANDS) == null) {
                return;
            }
            long cutoff = clock.millis() - staleAfter.toMillis();
            for (String child : client.getChildren().forPath(RegistryPaths.COMMANDS)) {
                String path = ZKPaths.makePath(RegistryPaths.COMMANDS, child);
                Stat stat = client.checkExists().forPath(path);
                if (stat != null && stat.getCtime() < cutoff) {
                    try {
                        client.delete().deletingChildrenIfNeeded().forPath(path);
                        log.info("pruned cluster command {}, created {} and never cleaned up by its CLI", child,
                                java.time.Instant.ofEpochMilli(stat.getCtime()));
                    } catch (KeeperException.NoNodeException gone) {
                        // another server or the CLI deleted it first
                    }
                }
            }
        } catch (Exception e) {
            log.warn("cannot prune old cluster commands (will try again)", e);
        }
    }

    private void created(ChildData node) {
        String parent = ZKPaths.getPathAndNode(node.getPath()).getPath();
        if (!parent.equals(RegistryPaths.COMMANDS) || node.getData() == null || node.getData().length == 0) {
            return; // a result, or the base node
        }
        try {
            executor.execute(() -> execute(node.getPath(), node.getData()));
        } catch (RejectedExecutionException closing) {
            // shutting down: no answer from this server
        }
    }

    private void execute(String path, byte[] data) {
        Map<String, String> answer = new LinkedHashMap<>();
        try {
            JsonNode command = mapper.readTree(data);
            String type = command.path("command").asText();
            if (!type.equals("rollback")) {
                answer.put("status", "UNKNOWN_COMMAND");
                answer.put("message", "this server does not know the command '" + type + "'");
            } else {
                String bundle = command.path("bundle").asText();
                String to = command.hasNonNull("to") ? command.get("to").asText() : null;
                try {
                    answer.put("status", "OK");
                    answer.put("message", deployer.rollback(bundle, to, "cluster command " + ZKPaths.getNodeFromPath(path)
                            + " (swivel rollback --cluster)", null));
                    serving(bundle, answer);
                } catch (RollbackException e) {
                    answer.put("status", e.reason().name());
                    answer.put("message", e.getMessage());
                }
            }
        } catch (Exception e) {
            answer.put("status", "FAILED");
            answer.put("message", "cannot execute " + path + ": " + e);
        }
        try {
            client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT)
                    .forPath(ZKPaths.makePath(path, "results", instanceId), mapper.writeValueAsBytes(answer));
            log.info("cluster command {}: {} {}", ZKPaths.getNodeFromPath(path), answer.get("status"), answer.get("message"));
        } catch (Exception e) {
            log.warn("cannot answer cluster command {}", path, e);
        }
    }

    /**
     * Adds what the bundle serves after the command, {@code version} and {@code sha256}: the CLI
     * makes it the cluster's desired version.
     */
    private void serving(String bundle, Map<String, String> answer) {
        deployer.status(bundle).map(view -> view.active()).ifPresent(active -> {
            answer.put("version", active.version());
            answer.put("sha256", active.sha256());
        });
    }

    /** Stops listening. */
    @Override
    public void close() {
        cache.close();
        executor.shutdownNow();
    }
}
