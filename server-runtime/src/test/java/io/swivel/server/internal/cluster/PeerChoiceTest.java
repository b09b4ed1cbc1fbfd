package io.swivel.server.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.swivel.registry.InstanceInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which peers a following server fetches a desired jar from, and in which order. */
class PeerChoiceTest {

    private static InstanceInfo instance(String service, String id, String bundle, String version, String admin) {
        return new InstanceInfo(service, id, "127.0.0.1", Integer.parseInt(id.substring(id.indexOf(':') + 1)), bundle,
                version, 100, "swivel/1", admin, 0, 0);
    }

    private final List<List<InstanceInfo>> cluster = List.of(
            List.of(instance("Greeter", "127.0.0.1:1", "greeter", "2.0.0", "127.0.0.1:11"),
                    instance("Greeter", "127.0.0.1:2", "greeter", "1.0.0", "127.0.0.1:12"),
                    instance("Greeter", "127.0.0.1:3", "greeter", "2.0.0", "127.0.0.1:13"),
                    instance("Greeter", "127.0.0.1:4", "greeter", "2.0.0", ""),
                    instance("Greeter", "127.0.0.1:5", "greeter", "2.0.0", "127.0.0.1:15")),
            // the same servers' second service of the bundle: listed once each
            List.of(instance("Welcome", "127.0.0.1:1", "greeter", "2.0.0", "127.0.0.1:11"),
                    instance("Welcome", "127.0.0.1:3", "greeter", "2.0.0", "127.0.0.1:13")),
            List.of(instance("Billing", "127.0.0.1:6", "billing", "2.0.0", "127.0.0.1:16")));

    @Test
    void onlyOtherServersThatServeThatVersionWithAnAdminAddressEachOnce() {
        assertThat(PeerChoice.peers(cluster, "greeter", "2.0.0", "127.0.0.1:5", 0))
                .containsExactly("127.0.0.1:11", "127.0.0.1:13");
        assertThat(PeerChoice.peers(cluster, "greeter", "1.0.0", null, 0)).containsExactly("127.0.0.1:12");
        assertThat(PeerChoice.peers(cluster, "greeter", "3.0.0", null, 0)).isEmpty();
        assertThat(PeerChoice.peers(cluster, "greeter", "1.0.0", "127.0.0.1:2", 7)).isEmpty();
    }

    @Test
    void theStartRotatesTheListSoJoiningServersSpreadOverPeers() {
        assertThat(PeerChoice.peers(cluster, "greeter", "2.0.0", null, 0))
                .containsExactly("127.0.0.1:11", "127.0.0.1:13", "127.0.0.1:15");
        assertThat(PeerChoice.peers(cluster, "greeter", "2.0.0", null, 1))
                .containsExactly("127.0.0.1:13", "127.0.0.1:15", "127.0.0.1:11");
        assertThat(PeerChoice.peers(cluster, "greeter", "2.0.0", null, -1))
                .containsExactly("127.0.0.1:15", "127.0.0.1:11", "127.0.0.1:13");
        assertThat(PeerChoice.peers(cluster, "greeter", "2.0.0", null, Integer.MIN_VALUE)).hasSize(3);
    }
}
