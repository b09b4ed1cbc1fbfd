package io.swivel.server.cli;

import io.swivel.registry.InstanceInfo;
import io.swivel.registry.ServiceCatalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.curator.framework.CuratorFramework;

/**
 * Which servers a cluster rollout of a bundle targets: the distinct admin addresses of the
 * instances ZooKeeper lists for the bundle, or, when none serves it yet, of every instance
 * registered. A server that serves no bundle registers nothing, so no rollout can find it.
 */
final class ClusterTargets {

    private ClusterTargets() {
    }

    /**
     * @param client a connected client
     * @param zookeeper its connect string, for messages
     * @param bundle the bundle
     * @param maxServers the most servers allowed
     * @param notes where a line goes for each instance that announces no admin address
     * @return the admin addresses, sorted
     * @throws CliException when there is none, or more than {@code maxServers}
     */
    static List<String> find(CuratorFramework client, String zookeeper, String bundle, int maxServers,
                             java.util.function.Consumer<String> notes) {
        List<InstanceInfo> all = new ArrayList<>();
        try (ServiceCatalog catalog = ServiceCatalog.watch(client, Duration.ofSeconds(5))) {
            catalog.all().values().forEach(all::addAll);
        }
        List<InstanceInfo> serving = all.stream().filter(instance -> instance.bundle().equals(bundle)).toList();
        List<InstanceInfo> chosen = serving.isEmpty() ? all : serving;
        Set<String> addresses = new TreeSet<>();
        Set<String> silent = new TreeSet<>();
        for (InstanceInfo instance : chosen) {
            if (instance.adminAddress().isEmpty()) {
                silent.add(instance.id());
            } else {
                addresses.add(instance.adminAddress());
            }
        }
        silent.forEach(id -> notes.accept("note: the server at " + id + " announces no admin address (an older "
                + "release?); the rollout leaves it out"));
        if (addresses.isEmpty()) {
            throw new CliException("no server registered in ZooKeeper at " + zookeeper + " announces an admin address"
                    + (all.isEmpty() ? " (nothing is registered: a server that serves no bundle registers nothing)" : ""));
        }
        if (addresses.size() > maxServers) {
            throw new CliException(addresses.size() + " servers would take part, over --max-servers " + maxServers
                    + "; raise it if that is right");
        }
        return List.copyOf(addresses);
    }
}
