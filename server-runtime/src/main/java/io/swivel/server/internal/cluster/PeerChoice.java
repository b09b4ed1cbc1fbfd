package io.swivel.server.internal.cluster;

import io.swivel.registry.InstanceInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which peers a following server may fetch a bundle's jar from: the servers that ZooKeeper lists
 * serving that bundle at that version and that announce an admin address, each once, never this
 * server itself. The list starts at a point picked by the caller (a random one), so servers that
 * join together do not all ask the same peer first; the rest follow in a fixed order, so each
 * is tried at most once per attempt.
 */
final class PeerChoice {

    private PeerChoice() {
    }

    /**
     * @param instances what ZooKeeper lists, every service's instances
     * @param bundle the bundle wanted
     * @param version the version wanted
     * @param self this server's instance id ({@code host:port}), left out; null when not registered
     * @param start where the rotation starts (any int; taken modulo the number of peers)
     * @return the admin addresses ({@code host:port}) to try, in order
     */
    static List<String> peers(Collection<? extends Collection<InstanceInfo>> instances, String bundle, String version,
                              String self, int start) {
        Map<String, String> adminById = new LinkedHashMap<>();
        instances.stream().flatMap(Collection::stream)
                .filter(instance -> instance.bundle().equals(bundle) && instance.version().equals(version))
                .filter(instance -> !instance.adminAddress().isEmpty() && !instance.id().equals(self))
                .sorted(java.util.Comparator.comparing(InstanceInfo::id))
                .forEach(instance -> adminById.putIfAbsent(instance.id(), instance.adminAddress()));
        List<String> sorted = new ArrayList<>(new java.util.LinkedHashSet<>(adminById.values()));
        if (sorted.isEmpty()) {
            return sorted;
        }
        int first = Math.floorMod(start, sorted.size());
        List<String> rotated = new ArrayList<>(sorted.subList(first, sorted.size()));
        rotated.addAll(sorted.subList(0, first));
        return rotated;
    }
}
