package io.swivel.server.cli;

import io.swivel.server.config.ServerConfig;
import picocli.CommandLine.Option;

/** The options of {@code swivel deploy JAR --cluster}: which servers, how many at a time, and what a failure does. */
final class RolloutOptions {

    /**
     * The most servers one rollout updates: a server's step takes at most about 900 bytes of the
     * record (a 500-character message, a version of up to 256), so 250 keep it under
     * {@link io.swivel.server.internal.rollout.RolloutStore#MAX_RECORD_BYTES}.
     */
    static final int MAX_SERVERS_LIMIT = 250;

    @Option(names = "--cluster", description = "Roll the jar out to every server ZooKeeper lists for its bundle (every "
            + "server registered when none serves it yet), one batch at a time; the rollout is kept under "
            + "/swivel/rollouts/<id> ('swivel rollout status|resume|abort').")
    boolean cluster;

    @Option(names = "--zookeeper", defaultValue = ServerConfig.DEFAULT_ZOOKEEPER_CONNECT, paramLabel = "HOST:PORT,...",
            description = "With --cluster: the ZooKeeper the servers register in (default: ${DEFAULT-VALUE}).")
    String zookeeper;

    @Option(names = "--batch", paramLabel = "1|N|P%",
            description = "With --cluster: how many servers one batch updates at once: 1, a number, or a share such as "
                    + "25% (rounded up) (default: 1).")
    String batch;

    @Option(names = "--canary", paramLabel = "STEPS",
            description = "With --cluster: start the version on each server as a canary with these weights "
                    + "(1,5,25,50,100) instead of replacing it; a server is done when its canary reached 100%. The jar "
                    + "must be readable at the same path on every server, as for 'swivel canary'.")
    String canary;

    @Option(names = "--step-every", paramLabel = "DURATION",
            description = "With --cluster --canary: how long each canary step lasts before the analysis that widens it "
                    + "(default: the server's, 1m).")
    String stepEvery;

    @Option(names = "--no-undo", description = "With --cluster: on a failure, halt but leave the servers already "
            + "updated on the new version (default: roll them back to the version they served before).")
    boolean noUndo;

    @Option(names = "--set-desired", description = "With --cluster: upload to one server only, wait until it serves "
            + "the version and passed probation, then set the bundle's desired version; the other servers converge "
            + "to it by themselves (servers that follow the cluster).")
    boolean setDesired;

    @Option(names = "--max-servers", defaultValue = "100",
            description = "With --cluster: refuse a rollout to more servers than this (default: ${DEFAULT-VALUE}, "
                    + "at most " + MAX_SERVERS_LIMIT + ").")
    int maxServers;

    /** @return the batch form, {@code 1} when none was given */
    String batchOrDefault() {
        return batch == null ? "1" : batch;
    }

    /** @return the canary plan each server runs, {@code STEPS} or {@code STEPS every DURATION}, or null for none */
    String canaryPlan() {
        return canary == null ? null : canary.trim() + (stepEvery != null ? " every " + stepEvery.trim() : "");
    }

    /** Refuses the cluster-only options on a one-server deploy. */
    void refuseWithoutCluster() {
        if (batch != null || canary != null || stepEvery != null || noUndo || setDesired) {
            throw new CliException("--batch, --canary, --step-every, --no-undo and --set-desired go with --cluster");
        }
    }

    /** Checks the combination before anything is sent. */
    void check() {
        if (maxServers < 1 || maxServers > MAX_SERVERS_LIMIT) {
            throw new CliException("--max-servers " + maxServers + ": 1 to " + MAX_SERVERS_LIMIT);
        }
        if (stepEvery != null && canary == null) {
            throw new CliException("--step-every goes with --canary");
        }
        if (setDesired && (batch != null || canary != null)) {
            throw new CliException("--set-desired updates one server and lets the others converge; --batch and "
                    + "--canary do not go with it");
        }
    }
}
