package io.swivel.server.cli;

import io.swivel.server.config.ServerConfig;
import io.swivel.server.internal.rollout.RolloutRecord;
import io.swivel.server.internal.rollout.RolloutRecord.State;
import io.swivel.server.internal.rollout.RolloutStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code swivel rollout status [ID]}, {@code swivel rollout resume ID} and {@code swivel rollout
 * abort ID}: the cluster rollouts kept under {@code /swivel/rollouts}, from any machine that
 * reaches ZooKeeper (and, to resume or abort, the servers' admin API with the cluster's token).
 */
@Command(name = "rollout", description = "Show, resume or abort the cluster rollouts ('swivel deploy JAR --cluster') "
        + "kept in ZooKeeper under /swivel/rollouts.",
        subcommands = {RolloutCommand.Status.class, RolloutCommand.Resume.class, RolloutCommand.Abort.class})
final class RolloutCommand implements Runnable {

    /** The largest jar fetched from a server to resume a rollout. */
    static final long MAX_FETCH_BYTES = 512L * 1024 * 1024;
    private static final long LOCK_POLL_MILLIS = 250;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Where ZooKeeper is. */
    static final class Where {
        @Option(names = "--zookeeper", defaultValue = ServerConfig.DEFAULT_ZOOKEEPER_CONNECT, paramLabel = "HOST:PORT,...",
                description = "The ZooKeeper the rollouts are kept in (default: ${DEFAULT-VALUE}).")
        String zookeeper;
    }

    @Command(name = "status", description = "Show one rollout, server by server, or (without ID) the latest ones.")
    static final class Status implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The rollout (default: list the latest).")
        String id;

        @Option(names = "--limit", defaultValue = "5", description = "Without ID: how many to list (default: ${DEFAULT-VALUE}).")
        int limit;

        @Mixin
        Where where;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (ZooKeeperCli zk = ZooKeeperCli.connect(where.zookeeper)) {
                RolloutStore store = new RolloutStore(zk.client());
                if (id == null) {
                    List<RolloutRecord> records = store.list();
                    if (records.isEmpty()) {
                        out.println("no rollouts in ZooKeeper at " + where.zookeeper);
                    } else {
                        RolloutTable.list(out, records.subList(0, Math.min(Math.max(1, limit), records.size())));
                    }
                    return 0;
                }
                RolloutRecord record = read(store, id).record();
                RolloutTable.print(out, record, store.lockHolder(id).orElse(null));
                return 0;
            }
        }
    }

    /** What resume and abort share: the rollout, its lock, ZooKeeper and the servers' admin token. */
    static final class Acting {
        @Parameters(index = "0", paramLabel = "ID", description = "The rollout.")
        String id;

        @Option(names = "--lock-wait", defaultValue = "30s", converter = DurationConverter.class,
                description = "How long to wait for the lock of a CLI that just died (it goes with its ZooKeeper session)"
                        + " (default: ${DEFAULT-VALUE}).")
        Duration lockWait;

        @Mixin
        Where where;

        @Mixin
        AdminOptions admin;

        /** What to do with the rollout once its lock is held. */
        interface Body {
            int run(ClusterRollout rollout, ZooKeeperCli zk, RolloutStore.Handle handle) throws Exception;
        }

        /**
         * Checks the rollout, takes its lock, checks it again (it may have changed meanwhile), runs
         * the body, gives the lock back.
         */
        int run(PrintWriter out, Duration timeout, Consumer<RolloutRecord> check, Body body) throws Exception {
            ClusterRollout rollout = new ClusterRollout(out, admin, timeout);
            try (ZooKeeperCli zk = ZooKeeperCli.connect(where.zookeeper)) {
                RolloutStore store = new RolloutStore(zk.client());
                check.accept(read(store, id).record());
                lock(rollout, store, id, lockWait);
                try {
                    RolloutStore.Handle handle = read(store, id);
                    check.accept(handle.record());
                    return body.run(rollout, zk, handle);
                } finally {
                    store.unlock(id);
                }
            }
        }
    }

    @Command(name = "resume", description = "Continue a rollout whose CLI stopped (killed, or its machine went away) "
            + "from the first server not yet updated. Needs the jar: --jar FILE, or fetched (sha256 verified) from a "
            + "server that serves it already.")
    static final class Resume implements Callable<Integer> {
        @Option(names = "--jar", paramLabel = "FILE", description = "The rollout's jar (its sha256 must match the record's).")
        Path jar;

        @Option(names = "--timeout", defaultValue = "5m", converter = DurationConverter.class,
                description = "How long each server may take to serve the version and pass probation (default: ${DEFAULT-VALUE}).")
        Duration timeout;

        @Mixin
        Acting acting;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return acting.run(spec.commandLine().getOut(), timeout, record -> {
                if (record.state() != State.RUNNING) {
                    throw new CliException("rollout " + record.id() + " is " + record.state() + ", not stopped while "
                            + "running: nothing to resume" + (record.state() == State.HALTED ? " (abort it to undo what it updated)" : ""));
                }
            }, (rollout, zk, handle) -> {
                RolloutRecord record = handle.record();
                Path fetched = null; // a directory of its own, so the upload names the jar as the bundle and version
                try {
                    JarDeployment.Jar file;
                    if (jar != null) {
                        file = JarDeployment.Jar.read(jar);
                        if (!file.sha256().equals(record.sha256())) {
                            throw new CliException(jar + " has sha256 " + file.sha256() + ", not the rollout's " + record.sha256());
                        }
                    } else if (record.canary() != null) {
                        throw new CliException("a canary rollout resumes with --jar FILE, at a path every server reads");
                    } else {
                        fetched = Files.createTempDirectory("swivel-rollout-");
                        file = fetch(rollout, record, fetched.resolve(record.bundle() + "-" + record.version() + ".jar"));
                    }
                    RolloutStore.change(handle, r -> r.withState(State.RUNNING, ClusterRollout.who() + " (resumed)",
                            null, System.currentTimeMillis()));
                    rollout.say("resuming rollout " + record.id() + ": " + record.count(RolloutRecord.Outcome.UPDATED)
                            + "/" + record.servers().size() + " server(s) updated so far");
                    return rollout.run(zk.client(), handle, file);
                } finally {
                    if (fetched != null) {
                        Files.deleteIfExists(fetched.resolve(record.bundle() + "-" + record.version() + ".jar"));
                        Files.deleteIfExists(fetched);
                    }
                }
            });
        }

        private JarDeployment.Jar fetch(ClusterRollout rollout, RolloutRecord record, Path target) throws IOException {
            for (String server : record.servers().keySet()) {
                ServerUpdate peer = new ServerUpdate(server, acting.admin.client(server), record.bundle());
                try {
                    if (!record.sha256().equals(peer.serving().sha256()) || !peer.download(target, MAX_FETCH_BYTES, timeout)) {
                        continue;
                    }
                } catch (CliException unreachable) {
                    rollout.say("  " + server + " cannot give the jar: " + unreachable.getMessage());
                    continue;
                }
                JarDeployment.Jar jar = new JarDeployment.Jar(target, Files.size(target), JarDeployment.sha256(target));
                if (jar.sha256().equals(record.sha256())) {
                    rollout.say("jar: fetched " + record.bundle() + " " + record.version() + " from " + server
                            + " (sha256 verified)");
                    return jar;
                }
            }
            throw new CliException("no server of rollout " + record.id() + " serves sha256 " + record.sha256()
                    + " to fetch the jar from; pass --jar FILE");
        }
    }

    @Command(name = "abort", description = "Stop a rollout for good (one stopped while running, or halted with "
            + "--no-undo or with a failed roll back) and roll the servers it updated back to the version they served "
            + "before, unless --no-undo.")
    static final class Abort implements Callable<Integer> {
        @Option(names = "--no-undo", description = "Leave the servers it updated on the new version.")
        boolean noUndo;

        @Mixin
        Acting acting;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            return acting.run(out, Duration.ofMinutes(1), record -> {
                if (record.state().finished()) {
                    throw new CliException("rollout " + record.id() + " is " + record.state() + " already");
                }
            }, (rollout, zk, handle) -> {
                int undone = noUndo ? 0 : rollout.undo(handle);
                long failed = noUndo ? 0 : handle.record().count(RolloutRecord.Outcome.UNDO_FAILED);
                String message = "aborted; " + (noUndo ? "the servers it updated keep the new version (--no-undo)"
                        : undone + " server(s) rolled back") + (failed == 0 ? "" : "; the roll back failed on " + failed
                        + " server(s), so it stays HALTED: abort it again to retry");
                RolloutStore.change(handle, r -> r.withState(noUndo ? State.ABORTED : r.afterUndo(State.ABORTED),
                        ClusterRollout.who() + " (aborted)", message, System.currentTimeMillis()));
                RolloutTable.print(out, handle.record(), null);
                if (failed > 0) {
                    throw new CliException("rollout " + handle.record().id() + ": " + message);
                }
                return 0;
            });
        }
    }

    static RolloutStore.Handle read(RolloutStore store, String id) throws Exception {
        Optional<RolloutStore.Handle> handle = store.read(id);
        if (handle.isEmpty()) {
            throw new CliException("no rollout " + id + " under " + RolloutStore.path(id) + "; 'swivel rollout status' lists them");
        }
        return handle.get();
    }

    /** Takes the rollout's lock, waiting a bounded time for a CLI that died a moment ago to lose it. */
    static void lock(ClusterRollout rollout, RolloutStore store, String id, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        Optional<String> holder = store.lock(id, ClusterRollout.holder());
        if (holder.isPresent()) {
            rollout.say("waiting up to " + wait.toSeconds() + " s for rollout " + id + "'s lock, held by " + holder.get()
                    + " (a CLI killed a moment ago holds it until its ZooKeeper session expires)");
        }
        while (holder.isPresent()) {
            if (System.nanoTime() - deadline > 0) {
                throw new CliException("rollout " + id + " is running: " + holder.get() + " runs it; stop that CLI "
                        + "first, or wait for it (--lock-wait)");
            }
            TimeUnit.MILLISECONDS.sleep(LOCK_POLL_MILLIS);
            holder = store.lock(id, ClusterRollout.holder());
        }
    }
}
