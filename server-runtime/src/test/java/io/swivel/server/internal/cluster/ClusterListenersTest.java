package io.swivel.server.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.swivel.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What announces a server, as its configuration asks: the server itself only holds the listeners. */
class ClusterListenersTest {

    @TempDir
    Path root;

    private ClusterListeners forZooKeeper(String zookeeper, Boolean follow) {
        ServerConfig config = ServerConfig.defaults().withDataDir(root.resolve("data")).with(b -> {
            b.zookeeper = zookeeper;
            b.announce = b.announce.withFollowCluster(follow);
        });
        return ClusterListeners.forConfig(config, Clock.systemUTC(), "Bearer test", null, null);
    }

    @Test
    void withoutZooKeeperNothingAnnouncesTheServer() {
        ClusterListeners none = forZooKeeper(ServerConfig.NO_ZOOKEEPER, true);

        assertThat(none.listeners()).isEmpty();
        assertThat(none.registration()).isNull();
        assertThat(none.connectString()).isEmpty();
    }

    @Test
    void theEmbeddedZooKeeperRegistersTheServerWhichDoesNotFollowTheClusterUnlessAsked() {
        ClusterListeners embedded = forZooKeeper(ServerConfig.EMBEDDED, null);

        assertThat(embedded.listeners()).singleElement().isInstanceOf(ZooKeeperUpdatingListener.class);
        assertThat(embedded.registration()).as("nothing connects before the server starts").isNull();
        assertThat(embedded.connectString()).isEmpty();
    }

    @Test
    void anExternalEnsembleIsFollowedAndTheFollowerStartsAfterTheRegistration() {
        ClusterListeners external = forZooKeeper("127.0.0.1:1", null);

        assertThat(external.listeners()).hasSize(2);
        assertThat(external.listeners().get(0)).isInstanceOf(ZooKeeperUpdatingListener.class);
        assertThat(external.listeners().get(1)).isInstanceOf(ClusterFollower.class);
        assertThat(forZooKeeper("127.0.0.1:1", false).listeners()).singleElement()
                .isInstanceOf(ZooKeeperUpdatingListener.class);
    }
}
