package io.swivel.server.internal.rollout;

import io.swivel.registry.RegistryPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The rollout records under {@code /swivel/rollouts/<id>} (JSON of {@link RolloutRecord}) and each
 * one's lock, the ephemeral {@code /swivel/rollouts/<id>/lock} that the CLI running it holds (it
 * names {@code user@host pid}; it goes away with the CLI's ZooKeeper session when the CLI dies).
 * Every write is a compare-and-set on the znode's version, so two CLIs never overwrite each
 * other's steps. Bounded: a record over {@value #MAX_RECORD_BYTES} bytes is refused, and starting a
 * rollout deletes the oldest finished records beyond {@value #KEEP_FINISHED}.
 */
public final class RolloutStore {

    /** The largest record written (ZooKeeper's own limit is 1 MiB). */
    public static final int MAX_RECORD_BYTES = 256 * 1024;
    /** Finished rollouts kept for {@code swivel rollout status}. */
    public static final int KEEP_FINISHED = 50;
    /** The most records read when listing. */
    static final int MAX_LISTED = 200;
    private static final String LOCK = "lock";

    private final CuratorFramework client;
    private final RolloutJson json = new RolloutJson();

    /** @param client a connected Curator client */
    public RolloutStore(CuratorFramework client) {
        this.client = client;
    }

    /**
     * @param id a rollout id
     * @return its znode
     */
    public static String path(String id) {
        return ZKPaths.makePath(RegistryPaths.ROLLOUTS, id);
    }

    /** A record as read, with the znode version the next write must match. */
    public final class Handle {
        private RolloutRecord record;
        private int version;

        private Handle(RolloutRecord record, int version) {
            this.record = record;
            this.version = version;
        }

        /** @return the record as last read or written */
        public synchronized RolloutRecord record() {
            return record;
        }

        /**
         * Writes a changed record, if nobody else wrote since.
         *
         * @param next the record to write
         * @throws IllegalStateException when another CLI changed it meanwhile
         * @throws Exception when ZooKeeper cannot be reached
         */
        public synchronized void update(RolloutRecord next) throws Exception {
            if (!next.id().equals(record.id())) {
                throw new IllegalArgumentException("rollout " + next.id() + " is not " + record.id());
            }
            try {
                Stat stat = client.setData().withVersion(version).forPath(path(next.id()), bytes(next));
                version = stat.getVersion();
                record = next;
            } catch (KeeperException.BadVersionException e) {
                throw new IllegalStateException("rollout " + next.id() + " was changed by another CLI meanwhile; "
                        + "see 'swivel rollout status " + next.id() + "'", e);
            }
        }
    }

    /**
     * Changes the record as last read or written and writes it, as one step for the threads of a batch.
     *
     * @param handle the record's handle
     * @param change what to change
     * @return the record written
     * @throws Exception as {@link Handle#update}
     */
    public static RolloutRecord change(Handle handle, java.util.function.UnaryOperator<RolloutRecord> change) throws Exception {
        synchronized (handle) {
            RolloutRecord next = change.apply(handle.record());
            handle.update(next);
            return next;
        }
    }

    /**
     * Writes a new record.
     *
     * @param record the rollout
     * @return its handle
     * @throws Exception when ZooKeeper refuses (an id taken) or cannot be reached
     */
    public Handle create(RolloutRecord record) throws Exception {
        prune();
        client.create().creatingParentsIfNeeded().forPath(path(record.id()), bytes(record));
        return new Handle(record, 0);
    }

    /**
     * @param id a rollout id
     * @return its record, or empty when there is none
     * @throws Exception when ZooKeeper cannot be reached
     * @throws IOException when the znode holds no rollout record
     */
    public Optional<Handle> read(String id) throws Exception {
        Stat stat = new Stat();
        byte[] data;
        try {
            data = client.getData().storingStatIn(stat).forPath(path(id));
        } catch (KeeperException.NoNodeException absent) {
            return Optional.empty();
        }
        return Optional.of(new Handle(parse(id, data), stat.getVersion()));
    }

    /**
     * @return the records, newest first (at most {@value #MAX_LISTED}); unreadable ones are left out
     * @throws Exception when ZooKeeper cannot be reached
     */
    public List<RolloutRecord> list() throws Exception {
        List<String> ids;
        try {
            ids = client.getChildren().forPath(RegistryPaths.ROLLOUTS);
        } catch (KeeperException.NoNodeException none) {
            return List.of();
        }
        List<RolloutRecord> records = new ArrayList<>();
        for (String id : ids.stream().sorted(Comparator.reverseOrder()).limit(MAX_LISTED).toList()) {
            try {
                read(id).ifPresent(handle -> records.add(handle.record()));
            } catch (IOException unreadable) {
                // not a record this release understands: 'rollout status' lists the others
            }
        }
        records.sort(Comparator.comparingLong(RolloutRecord::startedAt).reversed());
        return records;
    }

    /**
     * Takes a rollout's lock for this CLI's ZooKeeper session.
     *
     * @param id the rollout
     * @param holder who holds it, for the error another CLI prints
     * @return empty when taken, else who holds it already
     * @throws Exception when ZooKeeper cannot be reached
     */
    public Optional<String> lock(String id, String holder) throws Exception {
        try {
            client.create().withMode(CreateMode.EPHEMERAL).forPath(ZKPaths.makePath(path(id), LOCK),
                    holder.getBytes(StandardCharsets.UTF_8));
            return Optional.empty();
        } catch (KeeperException.NodeExistsException held) {
            return Optional.of(lockHolder(id).orElse("another CLI"));
        }
    }

    /**
     * @param id a rollout
     * @return who holds its lock, or empty when no CLI runs it
     * @throws Exception when ZooKeeper cannot be reached
     */
    public Optional<String> lockHolder(String id) throws Exception {
        try {
            return Optional.of(new String(client.getData().forPath(ZKPaths.makePath(path(id), LOCK)), StandardCharsets.UTF_8));
        } catch (KeeperException.NoNodeException free) {
            return Optional.empty();
        }
    }

    /**
     * Gives a lock back (the CLI is done with the rollout).
     *
     * @param id the rollout
     * @throws Exception when ZooKeeper cannot be reached
     */
    public void unlock(String id) throws Exception {
        try {
            client.delete().forPath(ZKPaths.makePath(path(id), LOCK));
        } catch (KeeperException.NoNodeException gone) {
            // the session ended already, and the lock with it
        }
    }

    /**
     * Deletes a record and its lock (a rollout that lost the race to start).
     *
     * @param id the rollout
     * @throws Exception when ZooKeeper cannot be reached
     */
    public void delete(String id) throws Exception {
        try {
            client.delete().deletingChildrenIfNeeded().forPath(path(id));
        } catch (KeeperException.NoNodeException gone) {
            // nothing to delete
        }
    }

    private RolloutRecord parse(String id, byte[] data) throws IOException {
        return json.parse(path(id), id, data);
    }

    private byte[] bytes(RolloutRecord record) throws IOException {
        return json.bytes(record);
    }

    /** Deletes the oldest finished records beyond {@link #KEEP_FINISHED}. */
    private void prune() throws Exception {
        List<RolloutRecord> finished = list().stream().filter(record -> record.state().finished()).toList();
        for (RolloutRecord old : finished.subList(Math.min(KEEP_FINISHED, finished.size()), finished.size())) {
            delete(old.id());
        }
    }
}
