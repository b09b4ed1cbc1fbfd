package io.swivel.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swivel.registry.RegistryPaths;
import io.swivel.server.deploy.Deployer;
import io.swivel.server.deploy.RollbackException;
import java.io.Closeable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes cluster commands written under {@code /swivel/commands} (by
 * {@code swivel rollback --cluster}) on this server, and answers each under
 * {@code /swivel/commands/<command>/results/<host:port>} with {@code {"status", "message"}}.
 * Only commands created after this server started are executed.
 */
public final class ClusterCommands implements Closeable {

    private static final Logger log = LoggerFactory.getLogger(ClusterCommands.class);

    private final CuratorFramework client;
    private final String instanceId;
    private final Deployer deployer;
    private final CuratorCache cache;
    private final ObjectMapper mapper = new ObjectMapper();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "swivel-cluster-commands");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * Starts listening for commands.
     *
     * @param client a connected Curator client
     * @param instanceId this server's id, {@code host:port}
     * @param deployer executes rollbacks
     */
    public ClusterCommands(CuratorFramework client, String instanceId, Deployer deployer) {
        this.client = client;
        this.instanceId = instanceId;
        this.deployer = deployer;
        this.cache = CuratorCache.build(client, RegistryPaths.COMMANDS);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreates(this::created)
                .afterInitialized()
                .build());
        cache.start();
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
            log.warn("cannot answer cluster command {}: {}", path, e.toString());
        }
    }

    /** Stops listening. */
    @Override
    public void close() {
        cache.close();
        executor.shutdownNow();
    }
}
