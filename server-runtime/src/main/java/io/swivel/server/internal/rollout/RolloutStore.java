package io.swivel.server.internal.rollout;

import io.swivel.registry.RegistryPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollout records under {@code /swivel/rollouts/<id>} (JSON of {@link RolloutRecord}) and each
 * one's lock, the ephemeral {@code /swivel/rollouts/<id>/lock} that the CLI running it holds (it
 * names {@code user@host pid}; it goes away with the CLI's ZooKeeper session when the CLI dies).
 * Every write is a compare-and-set on the znode's version, so two CLIs never overwrite each
 * other's steps. Bounded: a record over {@value #MAX_RECORD_BYTES} bytes is refused, and starting a
 * rollout deletes the oldest finished records beyond {@value #KEEP_FINISHED}, and records it cannot
 * read that nobody changed for {@link #KEEP_UNREADABLE}.
 *
 * <p>Curator retries an operation whose connection was lost, even when the first attempt went
 * through: a write then meets its own earlier success (a newer znode version, an existing lock).
 * Each write tells that apart from another CLI's: the record already holds what was written, the
 * lock belongs to this client's session.
 */
public final class RolloutStore {

    /** The largest record written (ZooKeeper's own limit is 1 MiB). */
    public static final int MAX_RECORD_BYTES = 256 * 1024;
    /** Finished rollouts kept for {@code swivel rollout status}. */
    public static final int KEEP_FINISHED = 50;
    /** The most records read when listing. */
    static final int MAX_LISTED = 200;
    /** How long a record this release cannot read is kept after its last change (a newer CLI may run it). */
    public static final Duration KEEP_UNREADABLE = Duration.ofDays(7);
    private static final String LOCK = "lock";
    private static final Logger LOG = LoggerFactory.getLogger(RolloutStore.class);

    private final CuratorFramework client;
    private final RolloutJson json = new RolloutJson();
    /** The unreadable records already logged by this store, so each is logged once (at most {@value #MAX_LISTED}). */
    private final Set<String> logged = Collections.synchronizedSet(new HashSet<>());

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
            byte[] data = bytes(next);
            try {
                version = client.setData().withVersion(version).forPath(path(next.id()), data).getVersion();
            } catch (KeeperException.BadVersionException e) {
                version = writtenAlready(next.id(), data).orElseThrow(() -> new IllegalStateException("rollout "
                        + next.id() + " was changed by another CLI meanwhile; see 'swivel rollout status " + next.id() + "'", e));
            }
            record = next;
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
        prune(System.currentTimeMillis());
        byte[] data = bytes(record);
        try {
            client.create().creatingParentsIfNeeded().forPath(path(record.id()), data);
            return new Handle(record, 0);
        } catch (KeeperException.NodeExistsException e) {
            int version = writtenAlready(record.id(), data).orElseThrow(() -> e);
            return new Handle(record, version);
        }
    }

    /**
     * After a write that met a newer znode: whether the znode holds exactly what was written (a
     * retry of a write that went through the first time).
     *
     * @return the znode's version when it does
     */
    Optional<Integer> writtenAlready(String id, byte[] written) throws Exception {
        Stat stat = new Stat();
        try {
            byte[] data = client.getData().storingStatIn(stat).forPath(path(id));
            return Arrays.equals(data, written) ? Optional.of(stat.getVersion()) : Optional.empty();
        } catch (KeeperException.NoNodeException gone) {
            return Optional.empty();
        }
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
        return scan(null);
    }

    /**
     * Reads the records, newest first; logs those it cannot read, once each, in one line.
     *
     * @param unreadable where the ids and last change (epoch milliseconds) of unreadable records go, or null
     */
    private List<RolloutRecord> scan(Map<String, Long> unreadable) throws Exception {
        List<String> ids;
        try {
            ids = client.getChildren().forPath(RegistryPaths.ROLLOUTS);
        } catch (KeeperException.NoNodeException none) {
            return List.of();
        }
        List<RolloutRecord> records = new ArrayList<>();
        List<String> fresh = new ArrayList<>();
        for (String id : ids.stream().sorted(Comparator.reverseOrder()).limit(MAX_LISTED).toList()) {
            Stat stat = new Stat();
            try {
                records.add(parse(id, client.getData().storingStatIn(stat).forPath(path(id))));
            } catch (KeeperException.NoNodeException gone) {
                // deleted since it was listed
            } catch (IOException e) { // not a record this release understands: the others are listed
                if (unreadable != null) {
                    unreadable.put(id, stat.getMtime());
                }
                if (logged.size() < MAX_LISTED && logged.add(id)) {
                    fresh.add(id);
                }
            }
        }
        if (!fresh.isEmpty()) {
            LOG.warn("{} rollout record(s) under {} cannot be read by this release and are left out: {}", fresh.size(),
                    RegistryPaths.ROLLOUTS, String.join(", ", fresh));
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
        String lock = ZKPaths.makePath(path(id), LOCK);
        try {
            client.create().withMode(CreateMode.EPHEMERAL).forPath(lock, holder.getBytes(StandardCharsets.UTF_8));
            return Optional.empty();
        } catch (KeeperException.NodeExistsException held) {
            Stat stat = client.checkExists().forPath(lock);
            if (stat != null && stat.getEphemeralOwner() == client.getZookeeperClient().getZooKeeper().getSessionId()) {
                return Optional.empty(); // this session's: a retried create that went through the first time
            }
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

    /**
     * Deletes the oldest finished records beyond {@link #KEEP_FINISHED}, and the unreadable ones
     * unchanged for {@link #KEEP_UNREADABLE}.
     *
     * @param now the time, epoch milliseconds
     */
    void prune(long now) throws Exception {
        Map<String, Long> unreadable = new LinkedHashMap<>();
        List<RolloutRecord> finished = scan(unreadable).stream().filter(record -> record.state().finished()).toList();
        for (RolloutRecord old : finished.subList(Math.min(KEEP_FINISHED, finished.size()), finished.size())) {
            delete(old.id());
        }
        long before = now - KEEP_UNREADABLE.toMillis();
        for (Map.Entry<String, Long> old : unreadable.entrySet()) {
            if (old.getValue() < before) {
                LOG.warn("deleting rollout record {}: this release cannot read it and nobody changed it for {} days",
                        path(old.getKey()), KEEP_UNREADABLE.toDays());
                delete(old.getKey());
            }
        }
    }
}
