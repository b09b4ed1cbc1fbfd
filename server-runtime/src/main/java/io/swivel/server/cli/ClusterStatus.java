package io.swivel.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swivel.registry.InstanceInfo;
import io.swivel.registry.RegistryException;
import io.swivel.registry.ServiceCatalog;
import io.swivel.server.internal.cluster.DesiredVersion;
import io.swivel.server.internal.cluster.DesiredVersions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code swivel status --cluster}: every server that ZooKeeper lists, by bundle: the version it
 * registers, its state there (serving, warming up, running a canary) and whether that is the
 * bundle's desired version ({@code /swivel/desired/<bundle>}). Read from ZooKeeper alone: no
 * admin token needed. A registration names a version, not its content, so "matches" compares
 * versions.
 */
final class ClusterStatus {

    private final ObjectMapper mapper = new ObjectMapper();

    /** One cell of the table: what one server registers for one bundle. */
    record Cell(String server, String bundle, String version, String state, String desired, Boolean matches) {
    }

    int run(PrintWriter out, String zookeeper, boolean json) {
        try (ZooKeeperCli connection = ZooKeeperCli.connect(zookeeper);
             ServiceCatalog catalog = ServiceCatalog.watch(connection.client(), Duration.ofSeconds(5))) {
            SortedMap<String, DesiredVersion> desired = new DesiredVersions(connection.client()).all();
            List<Cell> cells = cells(catalog.all(), desired, System.currentTimeMillis());
            if (json) {
                printJson(out, desired, cells);
            } else {
                printTable(out, desired, cells);
            }
            out.flush();
            return 0;
        } catch (RegistryException e) {
            throw new CliException(e.getMessage(), e);
        } catch (CliException e) {
            throw e;
        } catch (Exception e) {
            throw new CliException("cannot read the cluster from ZooKeeper at " + zookeeper + ": " + e, e);
        }
    }

    /**
     * The table: a row per server and bundle, for every bundle a server registers and every
     * bundle with a desired version (a server that does not serve it gets a row without version).
     */
    static List<Cell> cells(Map<String, List<InstanceInfo>> services, SortedMap<String, DesiredVersion> desired,
                            long now) {
        Map<String, Map<String, InstanceInfo>> byServer = new TreeMap<>();
        services.values().forEach(instances -> instances.forEach(instance -> byServer
                .computeIfAbsent(instance.id(), id -> new TreeMap<>()).putIfAbsent(instance.bundle(), instance)));
        List<Cell> cells = new java.util.ArrayList<>();
        byServer.forEach((server, bundles) -> {
            SortedSet<String> names = new TreeSet<>(bundles.keySet());
            names.addAll(desired.keySet());
            for (String bundle : names) {
                InstanceInfo instance = bundles.get(bundle);
                DesiredVersion wanted = desired.get(bundle);
                String version = instance != null ? instance.version() : null;
                cells.add(new Cell(server, bundle, version, instance != null ? state(instance, now) : "NOT SERVING",
                        wanted != null ? wanted.version() : null, wanted != null ? wanted.version().equals(version) : null));
            }
        });
        return cells;
    }

    private static String state(InstanceInfo instance, long now) {
        if (!instance.versions().isEmpty()) {
            return "CANARY " + instance.versions();
        }
        double warmth = instance.warmth(now);
        return warmth < 1.0 ? "WARMING " + Math.round(warmth * 100) + "%" : "SERVING";
    }

    private void printTable(PrintWriter out, SortedMap<String, DesiredVersion> desired, List<Cell> cells) {
        if (cells.isEmpty()) {
            out.println("no server is registered in ZooKeeper");
        } else {
            out.printf("%-22s %-20s %-12s %-16s %-12s %s%n", "SERVER", "BUNDLE", "VERSION", "STATE", "DESIRED", "MATCHES");
        }
        for (Cell cell : cells) {
            out.printf("%-22s %-20s %-12s %-16s %-12s %s%n", cell.server(), cell.bundle(),
                    cell.version() != null ? cell.version() : "-", cell.state(),
                    cell.desired() != null ? cell.desired() : "-",
                    cell.matches() == null ? "-" : cell.matches() ? "yes" : "NO");
        }
        desired.values().forEach(wanted -> out.printf("desired %s %s (sha256 %s, source %s, set by %s at %s)%n",
                wanted.bundle(), wanted.version(), wanted.sha256(), wanted.source() != null ? wanted.source() : "a peer",
                wanted.setBy(), java.time.Instant.ofEpochMilli(wanted.setAt())));
        long servers = cells.stream().map(Cell::server).distinct().count();
        long off = cells.stream().filter(cell -> Boolean.FALSE.equals(cell.matches())).count();
        out.printf(off == 0 ? "%d server(s): every bundle with a desired version matches it%n"
                : "%d server(s): " + off + " bundle(s) do not serve their desired version%n", servers);
    }

    private void printJson(PrintWriter out, SortedMap<String, DesiredVersion> desired, List<Cell> cells)
            throws java.io.IOException {
        ObjectNode root = mapper.createObjectNode();
        ObjectNode wanted = root.putObject("desired");
        desired.forEach((bundle, version) -> wanted.set(bundle, mapper.valueToTree(version)));
        ArrayNode rows = root.putArray("servers");
        cells.forEach(cell -> rows.add(mapper.valueToTree(cell)));
        root.put("allMatch", cells.stream().noneMatch(cell -> Boolean.FALSE.equals(cell.matches())));
        out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    }
}
