package io.swivel.server.cli;

import io.swivel.server.internal.cluster.DesiredVersion;
import io.swivel.server.internal.cluster.DesiredVersions;
import io.swivel.server.internal.deploy.BundleUpload;
import io.swivel.server.internal.deploy.UploadException;
import io.swivel.server.internal.rollout.RolloutPlan;
import io.swivel.server.internal.rollout.RolloutRecord;
import io.swivel.server.internal.rollout.RolloutRecord.Outcome;
import io.swivel.server.internal.rollout.RolloutRecord.State;
import io.swivel.server.internal.rollout.RolloutRecord.Step;
import io.swivel.server.internal.rollout.RolloutStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;

/**
 * A cluster rollout ({@code swivel deploy JAR --cluster}): the plan (batches of servers from
 * {@link ClusterTargets} and {@link RolloutPlan}), one batch at a time through {@link ServerUpdate},
 * every step written to the record under {@code /swivel/rollouts/<id>} ({@link RolloutStore}) as it
 * happens; at the first failure it halts and, unless told not to, rolls the servers it updated
 * back; once every server serves the version, it sets the bundle's desired version.
 */
final class ClusterRollout {

    /** Servers of one batch updated at once; a larger batch runs this many at a time. */
    static final int MAX_PARALLEL = 16;
    /** How long an abort waits for a server a stopped CLI left updating to serve the version. */
    static final Duration SETTLE = Duration.ofSeconds(10);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final PrintWriter out;
    private final AdminOptions admin;
    private final Duration timeout;

    /**
     * @param out where progress goes
     * @param admin the shared admin token and trust roots of the cluster's servers
     * @param timeout how long each server may take to serve the version and pass probation
     */
    ClusterRollout(PrintWriter out, AdminOptions admin, Duration timeout) {
        this.out = out;
        this.admin = admin;
        this.timeout = timeout;
    }

    /** Plans, records and runs a new rollout. */
    int start(JarDeployment.Jar jar, RolloutOptions options) {
        options.check();
        BundleUpload.Received identity = identify(jar);
        try (ZooKeeperCli zk = ZooKeeperCli.connect(options.zookeeper)) {
            RolloutStore store = new RolloutStore(zk.client());
            refuseIfRunning(store, identity.bundle(), null);
            List<String> targets = ClusterTargets.find(zk.client(), options.zookeeper, identity.bundle(),
                    options.maxServers, this::say);
            List<List<String>> batches = options.setDesired ? List.of(List.of(targets.get(0)))
                    : RolloutPlan.batches(targets, options.batchOrDefault());
            String id = ID_TIME.format(java.time.Instant.now()) + "-" + identity.bundle() + "-"
                    + String.format("%04x", new SecureRandom().nextInt(0x10000));
            RolloutRecord record = RolloutRecord.start(id, identity.bundle(), identity.version(), jar.sha256(),
                    jar.file().getFileName().toString(), options.setDesired ? "1 (--set-desired)" : options.batchOrDefault(),
                    options.canaryPlan(), !options.noUndo, who(), System.currentTimeMillis(), batches);
            RolloutStore.Handle handle = store.create(record);
            Optional<String> taken = store.lock(id, holder());
            if (taken.isPresent()) { // nobody else knows the new id: only a stale or foreign lock can hold it
                store.delete(id);
                throw new CliException("rollout " + id + " is locked by " + taken.get() + " although it was just created;"
                        + " nothing was changed, try again");
            }
            try {
                refuseIfRunning(store, identity.bundle(), record);
                say(String.format("rollout %s: %s %s (sha256 %s) to %d server(s) in %d batch(es)%s; record %s", id,
                        identity.bundle(), identity.version(), jar.sha256(), record.servers().size(), batches.size(),
                        options.setDesired ? ", then " + (targets.size() - 1) + " more converge to the desired version" : "",
                        RolloutStore.path(id)));
                return run(zk.client(), handle, jar);
            } finally {
                store.unlock(id);
            }
        } catch (CliException e) {
            throw e;
        } catch (Exception e) {
            throw new CliException("cluster rollout failed: " + e, e);
        }
    }

    /**
     * Runs the batches of a recorded rollout from the first server not yet updated.
     *
     * @return 0 when it completed
     * @throws CliException naming the server and the cause when it halted
     */
    int run(CuratorFramework client, RolloutStore.Handle handle, JarDeployment.Jar jar) throws Exception {
        List<List<String>> batches = handle.record().batches();
        for (int b = 0; b < batches.size(); b++) {
            RolloutRecord now = handle.record();
            List<String> todo = batches.get(b).stream().filter(server -> now.step(server).outcome() != Outcome.UPDATED).toList();
            if (todo.isEmpty()) {
                continue;
            }
            say(String.format("batch %d/%d: %s", b + 1, batches.size(), String.join(", ", todo)));
            Map<String, String> failures = batch(handle, todo, jar);
            RolloutRecord after = handle.record();
            say(String.format("progress: %d/%d server(s) on %s %s, batch %d/%d %s", after.count(Outcome.UPDATED),
                    after.servers().size(), after.bundle(), after.version(), b + 1, batches.size(),
                    failures.isEmpty() ? "done" : "failed"));
            if (!failures.isEmpty()) {
                return halt(handle, failures);
            }
        }
        RolloutRecord done = handle.record();
        new DesiredVersions(client).set(new DesiredVersion(done.bundle(), done.version(), done.sha256(), null,
                "rollout " + done.id(), System.currentTimeMillis()));
        String message = done.bundle() + " " + done.version() + " serves on " + done.servers().size()
                + " server(s); desired version set";
        RolloutStore.change(handle, record -> record.withState(State.COMPLETED, record.by(), message,
                System.currentTimeMillis()));
        RolloutTable.print(out, handle.record(), null);
        say("completed: " + message + " (" + io.swivel.server.internal.cluster.DesiredVersions.path(done.bundle())
                + "); servers that follow the cluster converge to it");
        return 0;
    }

    /** Updates the servers of one batch, at most {@link #MAX_PARALLEL} at once; @return each failed server's cause */
    private Map<String, String> batch(RolloutStore.Handle handle, List<String> servers, JarDeployment.Jar jar)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(MAX_PARALLEL, servers.size()));
        try {
            Map<String, Future<String>> running = new LinkedHashMap<>();
            for (String server : servers) {
                running.put(server, pool.submit(() -> update(handle, server, jar)));
            }
            Map<String, String> failures = new LinkedHashMap<>();
            for (Map.Entry<String, Future<String>> entry : running.entrySet()) {
                try {
                    String cause = entry.getValue().get();
                    if (cause != null) {
                        failures.put(entry.getKey(), cause);
                    }
                } catch (ExecutionException e) {
                    failures.put(entry.getKey(), String.valueOf(e.getCause()));
                }
            }
            return failures;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Updates one server and records each step; @return null when it serves the version, else the cause */
    private String update(RolloutStore.Handle handle, String server, JarDeployment.Jar jar) throws Exception {
        RolloutRecord record = handle.record();
        ServerUpdate target = new ServerUpdate(server, admin.client(server), record.bundle());
        Consumer<String> lines = line -> say(String.format("  %-22s %s", server, line));
        AtomicReference<String> last = new AtomicReference<>();
        String before = record.step(server).before();
        try {
            if (record.step(server).outcome() == Outcome.PENDING) { // else resumed: it served that before the rollout
                before = target.serving().version();
            }
            String previous = before;
            RolloutStore.change(handle, r -> r.withStep(server, new Step(Outcome.UPDATING, previous,
                    "updating from " + (previous != null ? previous : "nothing"), System.currentTimeMillis()),
                    System.currentTimeMillis()));
            target.update(jar, record.version(), record.canary(), timeout, line -> {
                last.set(line);
                lines.accept(line);
            });
            RolloutStore.change(handle, r -> r.withStep(server, new Step(Outcome.UPDATED, previous, last.get(),
                    System.currentTimeMillis()), System.currentTimeMillis()));
            return null;
        } catch (CliException e) {
            lines.accept("FAILED: " + e.getMessage());
            String previous = before;
            RolloutStore.change(handle, r -> r.withStep(server, new Step(Outcome.FAILED, previous, e.getMessage(),
                    System.currentTimeMillis()), System.currentTimeMillis()));
            return e.getMessage();
        }
    }

    private int halt(RolloutStore.Handle handle, Map<String, String> failures) throws Exception {
        Map.Entry<String, String> first = failures.entrySet().iterator().next();
        String cause = first.getKey() + ": " + first.getValue();
        RolloutStore.change(handle, r -> r.withState(State.HALTED, r.by(), cause, System.currentTimeMillis()));
        say("halted: " + cause);
        String outcome;
        if (handle.record().undo()) {
            int undone = undo(handle);
            long failed = handle.record().count(Outcome.UNDO_FAILED);
            String retry = failed == 0 ? "" : "; the roll back failed on " + failed + " server(s): 'swivel rollout abort "
                    + handle.record().id() + "' retries it";
            RolloutStore.change(handle, r -> r.withState(r.afterUndo(State.UNDONE), r.by(), cause + "; " + undone
                    + " server(s) rolled back" + retry, System.currentTimeMillis()));
            outcome = (undone == 0 && failed == 0 ? "; no server had taken it, nothing to roll back"
                    : "; " + undone + " server(s) rolled back to the version they served before") + retry;
        } else {
            outcome = "; the servers updated before it still serve " + handle.record().version() + " (--no-undo)";
        }
        RolloutTable.print(out, handle.record(), null);
        throw new CliException("rollout " + handle.record().id() + " halted at " + first.getKey() + ": "
                + first.getValue() + outcome);
    }

    /**
     * Puts back the version each server of the plan served before, where it serves the rollout's
     * version now.
     *
     * @return how many servers were rolled back
     */
    int undo(RolloutStore.Handle handle) throws Exception {
        RolloutRecord record = handle.record();
        int undone = 0;
        List<String> servers = new ArrayList<>(record.servers().keySet());
        java.util.Collections.reverse(servers); // the last updated first
        for (String server : servers) {
            Step step = record.step(server);
            if (step.outcome() == Outcome.PENDING || step.outcome() == Outcome.UNDONE) {
                continue;
            }
            ServerUpdate target = new ServerUpdate(server, admin.client(server), record.bundle());
            Step next;
            try {
                boolean serves = step.outcome() == Outcome.UPDATING ? settle(target, record)
                        : record.sha256().equals(target.serving().sha256());
                if (!serves && step.outcome() == Outcome.UPDATING) {
                    Step left = new Step(Outcome.FAILED, step.before(), "left updating by a stopped CLI; it did not serve "
                            + record.version() + " within " + SETTLE.toSeconds() + " s, so nothing was rolled back there",
                            System.currentTimeMillis());
                    RolloutStore.change(handle, r -> r.withStep(server, left, System.currentTimeMillis()));
                    continue;
                }
                if (!serves && step.outcome() != Outcome.UNDO_FAILED) {
                    continue; // it failed the version itself, and serves what it served before
                }
                if (serves) {
                    String answer = target.undo(step.before());
                    say(String.format("  %-22s undo: %s", server, answer));
                    next = new Step(Outcome.UNDONE, step.before(), answer, System.currentTimeMillis());
                    undone++;
                } else { // a retried roll back that someone else did meanwhile
                    next = new Step(Outcome.UNDONE, step.before(), "serves " + record.version()
                            + " no longer: nothing left to roll back", System.currentTimeMillis());
                }
            } catch (CliException e) {
                say(String.format("  %-22s undo FAILED: %s", server, e.getMessage()));
                next = new Step(Outcome.UNDO_FAILED, step.before(), e.getMessage(), System.currentTimeMillis());
            }
            Step written = next;
            RolloutStore.change(handle, r -> r.withStep(server, written, System.currentTimeMillis()));
        }
        return undone;
    }

    /**
     * Waits, bounded by {@link #SETTLE}, for a server a stopped CLI left updating to serve the
     * version (its upload may have landed just before the CLI died), so that undoing it does not
     * race its deploy.
     *
     * @return true if it serves the rollout's version
     */
    private static boolean settle(ServerUpdate target, RolloutRecord record) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (!record.sha256().equals(target.serving().sha256())) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            java.util.concurrent.TimeUnit.MILLISECONDS.sleep(200);
        }
        return true;
    }

    /**
     * Refuses to start while another rollout of the bundle runs (or stopped while running). Of two
     * started at once, the older one wins.
     *
     * @param self the rollout starting, already recorded, or null before it is
     */
    private static void refuseIfRunning(RolloutStore store, String bundle, RolloutRecord self) throws Exception {
        Comparator<RolloutRecord> age = Comparator.comparingLong(RolloutRecord::startedAt).thenComparing(RolloutRecord::id);
        for (RolloutRecord other : store.list()) {
            if (!other.bundle().equals(bundle) || other.state() != State.RUNNING
                    || self != null && (other.id().equals(self.id()) || age.compare(other, self) > 0)) {
                continue;
            }
            if (self != null) {
                store.delete(self.id());
            }
            String holder = store.lockHolder(other.id()).orElse(null);
            throw new CliException("rollout " + other.id() + " of " + bundle + " is "
                    + (holder != null ? "running (" + holder + "); wait for it to finish"
                    : "stopped while running (its CLI went away); 'swivel rollout resume " + other.id()
                            + "' or 'swivel rollout abort " + other.id() + "' first"));
        }
    }

    private static BundleUpload.Received identify(JarDeployment.Jar jar) {
        try {
            return BundleUpload.identify(jar.file(), jar.sha256(), jar.size());
        } catch (UploadException | IOException e) {
            throw new CliException(jar.file() + ": " + e.getMessage(), e);
        }
    }

    /** Prints one line at once (the threads of a batch share the output). */
    void say(String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /** @return {@code user@host}, for the record */
    static String who() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown-host";
        }
        return System.getProperty("user.name", "someone") + "@" + host;
    }

    /** @return what a rollout's lock says about the CLI holding it */
    static String holder() {
        return who() + " pid " + ProcessHandle.current().pid() + " since " + RolloutTable.time(System.currentTimeMillis());
    }
}
