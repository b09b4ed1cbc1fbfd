package io.swivel.server.internal.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swivel.registry.EmbeddedZooKeeper;
import io.swivel.registry.ZooKeeperClients;
import io.swivel.server.internal.rollout.RolloutRecord.Outcome;
import io.swivel.server.internal.rollout.RolloutRecord.State;
import io.swivel.server.internal.rollout.RolloutRecord.Step;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout records and locks against a real (embedded) ZooKeeper, above all what a write that
 * Curator retried after a lost connection meets: its own first attempt, which went through.
 */
class RolloutStoreTest {

    private static final String SHA = "06aeb1c6a320b03887ae945d87279067e62fd520286dff4c499052c856c156c3";

    @TempDir
    Path root;

    private static RolloutRecord started(String id) {
        return RolloutRecord.start(id, "greeter", "2.0.0", SHA, "greeter-v2.jar", "1", null, true, "ada@host", 1000,
                List.of(List.of("a:1"), List.of("b:1")));
    }

    private static CuratorFramework connect(EmbeddedZooKeeper zookeeper) {
        return ZooKeeperClients.connect(zookeeper.connectString(), Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    @Test
    void aWriteRepeatedAfterItWentThroughIsItsOwnSuccessAndAnotherClisWriteIsRefused() throws Exception {
        try (EmbeddedZooKeeper zookeeper = EmbeddedZooKeeper.start(root.resolve("zk"), "127.0.0.1", 0);
             CuratorFramework client = connect(zookeeper)) {
            RolloutStore store = new RolloutStore(client);
            RolloutRecord record = started("20261202-031501-greeter-3f2a");
            store.create(record);
            assertThat(store.create(record).record()).as("a retried create that went through").isEqualTo(record);
            RolloutStore.Handle first = store.read(record.id()).orElseThrow();
            RolloutStore.Handle retry = store.read(record.id()).orElseThrow(); // the same znode version as first
            RolloutRecord next = record.withStep("a:1", new Step(Outcome.UPDATING, "1.0.0", "updating", 2000), 2000);

            first.update(next);
            retry.update(next); // what a retried setData meets: the version moved on, to what it writes
            assertThat(retry.record()).isEqualTo(next);
            retry.update(next.withStep("a:1", new Step(Outcome.UPDATED, "1.0.0", "done", 3000), 3000));
            assertThat(store.read(record.id()).orElseThrow().record().step("a:1").outcome()).isEqualTo(Outcome.UPDATED);

            assertThatThrownBy(() -> first.update(next.withState(State.ABORTED, "bob@host", "aborted", 4000)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("changed by another CLI");
            assertThatThrownBy(() -> store.create(record)).as("another record under the id")
                    .isInstanceOf(org.apache.zookeeper.KeeperException.NodeExistsException.class);
            assertThat(store.read(record.id()).orElseThrow().record().step("a:1").outcome())
                    .as("a different record under the id is not overwritten").isEqualTo(Outcome.UPDATED);
        }
    }

    @Test
    void aLockTakenTwiceInOneSessionIsHeldOnceAndAnotherSessionSeesItsHolder() throws Exception {
        try (EmbeddedZooKeeper zookeeper = EmbeddedZooKeeper.start(root.resolve("zk"), "127.0.0.1", 0);
             CuratorFramework client = connect(zookeeper);
             CuratorFramework other = connect(zookeeper)) {
            RolloutStore store = new RolloutStore(client);
            String id = store.create(started("20261202-031501-greeter-3f2a")).record().id();
            assertThat(store.lock(id, "ada@host pid 1")).isEmpty();
            assertThat(store.lock(id, "ada@host pid 1")).as("a retried create that went through").isEmpty();
            assertThat(new RolloutStore(other).lock(id, "bob@host pid 2")).contains("ada@host pid 1");
            store.unlock(id);
            assertThat(new RolloutStore(other).lock(id, "bob@host pid 2")).isEmpty();
            assertThat(store.lockHolder(id)).contains("bob@host pid 2");
        }
    }

    @Test
    void unreadableRecordsAreLeftOutAndPrunedOnceNobodyChangedThemForTheRetention() throws Exception {
        try (EmbeddedZooKeeper zookeeper = EmbeddedZooKeeper.start(root.resolve("zk"), "127.0.0.1", 0);
             CuratorFramework client = connect(zookeeper)) {
            RolloutStore store = new RolloutStore(client);
            RolloutRecord kept = store.create(started("20261202-031501-greeter-3f2a")).record();
            client.create().forPath(RolloutStore.path("20261201-000000-greeter-0000"),
                    "{not json".getBytes(StandardCharsets.UTF_8));
            assertThat(store.list()).containsExactly(kept);

            long now = System.currentTimeMillis();
            store.prune(now + RolloutStore.KEEP_UNREADABLE.toMillis() - 60_000);
            assertThat(client.checkExists().forPath(RolloutStore.path("20261201-000000-greeter-0000"))).isNotNull();
            store.prune(now + RolloutStore.KEEP_UNREADABLE.toMillis() + 60_000);
            assertThat(client.checkExists().forPath(RolloutStore.path("20261201-000000-greeter-0000"))).isNull();
            assertThat(store.list()).as("a running record is never pruned").containsExactly(kept);
        }
    }
}
