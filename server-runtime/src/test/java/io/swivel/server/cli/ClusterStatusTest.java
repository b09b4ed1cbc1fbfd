package io.swivel.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.swivel.registry.InstanceInfo;
import io.swivel.server.internal.cluster.DesiredVersion;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The rows of {@code swivel status --cluster}: servers × bundles against the desired versions. */
class ClusterStatusTest {

    private static final long NOW = 1_000_000;

    private static InstanceInfo instance(String service, String id, String bundle, String version, long activeSince,
                                         String versions) {
        return new InstanceInfo(service, id, "127.0.0.1", 1, bundle, version, 100, "swivel/1", "127.0.0.1:2", 60_000,
                activeSince, versions, false);
    }

    @Test
    void everyServerGetsARowPerBundleItServesAndPerDesiredBundle() {
        Map<String, List<InstanceInfo>> services = Map.of(
                "Greeter", List.of(instance("Greeter", "a:1", "greeter", "2.0.0", NOW - 120_000, ""),
                        instance("Greeter", "b:1", "greeter", "1.0.0", NOW - 20_000, ""),
                        instance("Greeter", "c:1", "greeter", "2.0.0", NOW - 120_000, "2.0.0=90,3.0.0=10")),
                "Welcome", List.of(instance("Welcome", "a:1", "greeter", "2.0.0", NOW - 120_000, "")),
                "Billing", List.of(instance("Billing", "d:1", "billing", "5.0.0", NOW - 120_000, "")));
        TreeMap<String, DesiredVersion> desired = new TreeMap<>(Map.of("greeter",
                new DesiredVersion("greeter", "2.0.0", "ab".repeat(32), null, "test", 1)));

        List<ClusterStatus.Cell> cells = ClusterStatus.cells(services, desired, NOW);

        assertThat(cells).containsExactly(
                new ClusterStatus.Cell("a:1", "greeter", "2.0.0", "SERVING", "2.0.0", true),
                new ClusterStatus.Cell("b:1", "greeter", "1.0.0", "WARMING 37%", "2.0.0", false),
                new ClusterStatus.Cell("c:1", "greeter", "2.0.0", "CANARY 2.0.0=90,3.0.0=10", "2.0.0", true),
                new ClusterStatus.Cell("d:1", "billing", "5.0.0", "SERVING", null, null),
                new ClusterStatus.Cell("d:1", "greeter", null, "NOT SERVING", "2.0.0", false));
    }
}
