package io.swivel.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swivel.registry.InstanceInfo;
import io.swivel.registry.RegistryException;
import io.swivel.registry.RegistryPaths;
import io.swivel.registry.ServiceCatalog;
import io.swivel.server.internal.cluster.DesiredVersion;
import io.swivel.server.internal.cluster.DesiredVersions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;

/**
 * {@code swivel rollback BUNDLE --cluster}: writes a rollback command under
 * {@code /swivel/commands}, waits for the answer of every server that registers the bundle,
 * prints each, and removes the command; then makes the version they returned to the bundle's
 * desired version ({@code /swivel/desired/<bundle>}), so servers started afterwards serve it too.
 */
final class ClusterRollback {

    private final ObjectMapper mapper = new ObjectMapper();

    int run(PrintWriter out, String zookeeper, String bundle, String to, Duration wait) {
        try (ZooKeeperCli connection = ZooKeeperCli.connect(zookeeper);
             ServiceCatalog catalog = ServiceCatalog.watch(connection.client(), Duration.ofSeconds(5))) {
            CuratorFramework client = connection.client();
            Set<String> servers = new TreeSet<>();
            catalog.all().values().forEach(instances -> instances.stream()
                    .filter(instance -> instance.bundle().equals(bundle)).map(InstanceInfo::id).forEach(servers::add));
            if (servers.isEmpty()) {
                throw new CliException("no server registered in ZooKeeper at " + zookeeper + " serves bundle " + bundle);
            }
            Map<String, Object> command = new LinkedHashMap<>();
            command.put("command", "rollback");
            command.put("bundle", bundle);
            command.put("to", to);
            String path = client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                    .forPath(RegistryPaths.COMMANDS + "/rollback-", mapper.writeValueAsBytes(command));
            Map<String, JsonNode> answers = collect(client, path, servers, wait);
            client.delete().deletingChildrenIfNeeded().forPath(path);
            int failed = 0;
            for (String server : servers) {
                JsonNode answer = answers.get(server);
                if (answer == null) {
                    failed++;
                    out.printf("%-22s NO ANSWER within %d ms%n", server, wait.toMillis());
                } else {
                    String status = answer.path("status").asText();
                    if (!status.equals("OK")) {
                        failed++;
                    }
                    out.printf("%-22s %-10s %s%n", server, status, answer.path("message").asText());
                }
            }
            setDesired(out, client, bundle, answers);
            out.flush();
            if (failed > 0) {
                throw new CliException("the rollback of " + bundle + " did not succeed on " + failed + " of "
                        + servers.size() + " server(s)");
            }
            return 0;
        } catch (RegistryException e) {
            throw new CliException(e.getMessage(), e);
        } catch (CliException e) {
            throw e;
        } catch (Exception e) {
            throw new CliException("cluster rollback failed: " + e, e);
        }
    }

    /**
     * Makes the version the servers returned to the cluster's desired version, so a server started
     * afterwards (or one that follows the cluster and was away) does not bring back the version
     * rolled back from. Only when every server that answered OK serves the same content.
     */
    private void setDesired(PrintWriter out, CuratorFramework client, String bundle, Map<String, JsonNode> answers)
            throws Exception {
        Set<String> contents = new TreeSet<>();
        String version = null;
        for (JsonNode answer : answers.values()) {
            if (answer.path("status").asText().equals("OK") && answer.hasNonNull("sha256")) {
                contents.add(answer.get("sha256").asText());
                version = answer.path("version").asText();
            }
        }
        if (contents.size() != 1) {
            out.printf("desired version of %s left as it was: %s%n", bundle, contents.isEmpty()
                    ? "no server answered OK with the version it serves"
                    : "the servers returned to different contents " + contents);
            return;
        }
        String sha256 = contents.iterator().next();
        new DesiredVersions(client).set(new DesiredVersion(bundle, version, sha256, null, "rollback --cluster",
                System.currentTimeMillis()));
        out.printf("desired version of %s: %s (sha256 %s); servers that follow the cluster, and those started "
                + "later, converge to it%n", bundle, version, sha256);
    }

    private Map<String, JsonNode> collect(CuratorFramework client, String path, Set<String> servers, Duration wait)
            throws InterruptedException {
        String results = ZKPaths.makePath(path, "results");
        Map<String, JsonNode> answers = new ConcurrentHashMap<>();
        CountDownLatch all = new CountDownLatch(1);
        try (CuratorCache cache = CuratorCache.build(client, results)) {
            cache.listenable().addListener(CuratorCacheListener.builder().forCreatesAndChanges((before, node) -> {
                if (node.getData() == null || node.getData().length == 0 || node.getPath().equals(results)) {
                    return;
                }
                try {
                    answers.put(ZKPaths.getNodeFromPath(node.getPath()), mapper.readTree(node.getData()));
                } catch (java.io.IOException e) {
                    answers.put(ZKPaths.getNodeFromPath(node.getPath()), mapper.createObjectNode()
                            .put("status", "UNREADABLE").put("message", e.getMessage()));
                }
                if (answers.keySet().containsAll(servers)) {
                    all.countDown();
                }
            }).build());
            cache.start();
            all.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        }
        return new TreeMap<>(answers);
    }

}
