package io.swivel.server.internal.rollout;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One cluster rollout as kept under {@code /swivel/rollouts/<id>}: what is rolled out (the jar's
 * bundle, version and sha256), how (the batch form, the canary steps, whether a failure undoes),
 * the plan (batches of admin addresses), each server's step, and the overall state. Immutable:
 * each change is a copy, written back by {@link RolloutStore#update}.
 *
 * @param id the rollout's id, its znode's name
 * @param bundle the bundle
 * @param version the version rolled out
 * @param sha256 the jar's SHA-256 (lower-case hex)
 * @param jar the jar's file name where it was rolled out from, for people
 * @param batch the batch form: {@code 1}, {@code N} or {@code P%}
 * @param canary the canary plan each server runs ({@code 1,5,25,50,100}, or {@code 1,5,25,50,100 every 1m}
 *     with a step length), or null for probation only
 * @param undo whether a failure rolls the updated servers back
 * @param state the overall state
 * @param by who started it ({@code user@host}), and who resumed or aborted it last
 * @param startedAt when it started, epoch milliseconds
 * @param updatedAt when it last changed, epoch milliseconds
 * @param batches the plan: admin addresses ({@code host:port}), batch by batch
 * @param servers each server's step, by admin address, in plan order
 * @param message why it halted or was aborted, or what it finished with
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RolloutRecord(String id, String bundle, String version, String sha256, String jar, String batch,
                            String canary, boolean undo, State state, String by, long startedAt, long updatedAt,
                            List<List<String>> batches, Map<String, Step> servers, String message) {

    /** The longest message kept for a server or the rollout (a cause can be long; the record stays small). */
    public static final int MAX_MESSAGE_CHARS = 500;

    /** Where the rollout as a whole stands. */
    public enum State {
        /** A CLI is updating servers, or was until it was killed (then its lock is gone: resume or abort it). */
        RUNNING,
        /** Every server serves the version; the desired version is set. */
        COMPLETED,
        /**
         * A server failed; the servers updated before it still serve the new version ({@code --no-undo}),
         * or rolling some of them back failed ({@code swivel rollout abort} retries those).
         */
        HALTED,
        /** A server failed and the servers updated before it were rolled back. */
        UNDONE,
        /** Stopped by {@code swivel rollout abort}. */
        ABORTED;

        /** @return true if nothing changes it any more */
        public boolean finished() {
            return this != RUNNING && this != HALTED;
        }
    }

    /** Where one server stands. */
    public enum Outcome {
        /** Not reached yet. */
        PENDING,
        /** The jar was sent; the CLI follows it. */
        UPDATING,
        /** It serves the new version, probation (or canary) passed. */
        UPDATED,
        /** The new version failed there; the message says why. */
        FAILED,
        /** Rolled back to the version it served before. */
        UNDONE,
        /** The roll back failed; the message says why. */
        UNDO_FAILED
    }

    /**
     * One server's step.
     *
     * @param outcome where it stands
     * @param before the version it served before the rollout reached it, or null for none
     * @param message what happened last, for people
     * @param at when it last changed, epoch milliseconds; 0 while pending
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Step(Outcome outcome, String before, String message, long at) {

        /** Keeps the message bounded. */
        public Step {
            Objects.requireNonNull(outcome, "outcome");
            message = bounded(message);
        }
    }

    /** Checks the parts every reader relies on and keeps messages bounded. */
    public RolloutRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(state, "state");
        batches = batches == null ? List.of() : batches.stream().map(List::copyOf).toList();
        servers = servers == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(servers));
        message = bounded(message);
    }

    /**
     * A new rollout: every server of the plan pending.
     *
     * @return the record in state {@link State#RUNNING}
     */
    public static RolloutRecord start(String id, String bundle, String version, String sha256, String jar, String batch,
                                      String canary, boolean undo, String by, long now, List<List<String>> batches) {
        Map<String, Step> servers = new LinkedHashMap<>();
        batches.forEach(servers_ -> servers_.forEach(server -> servers.put(server, new Step(Outcome.PENDING, null, null, 0))));
        return new RolloutRecord(id, bundle, version, sha256, jar, batch, canary, undo, State.RUNNING, by, now, now,
                batches, servers, null);
    }

    /** @return a copy with one server's step replaced */
    public RolloutRecord withStep(String server, Step step, long now) {
        if (!servers.containsKey(server)) {
            throw new IllegalArgumentException(server + " is not in the plan of rollout " + id);
        }
        Map<String, Step> changed = new LinkedHashMap<>(servers);
        changed.put(server, step);
        return new RolloutRecord(id, bundle, version, sha256, jar, batch, canary, undo, state, by, startedAt, now,
                batches, changed, message);
    }

    /** @return a copy in another state, with who changed it and why */
    public RolloutRecord withState(State next, String who, String why, long now) {
        return new RolloutRecord(id, bundle, version, sha256, jar, batch, canary, undo, next, who, startedAt, now,
                batches, servers, why);
    }

    /** @return the step of a server of the plan */
    public Step step(String server) {
        Step step = servers.get(server);
        if (step == null) {
            throw new IllegalArgumentException(server + " is not in the plan of rollout " + id);
        }
        return step;
    }

    /**
     * The state once the servers were rolled back: {@code done} when every roll back went through,
     * else {@link State#HALTED}, which {@code swivel rollout abort} accepts, so that it retries the
     * servers whose roll back failed.
     *
     * @param done {@link State#UNDONE} or {@link State#ABORTED}
     * @return the state to write
     */
    public State afterUndo(State done) {
        return count(Outcome.UNDO_FAILED) > 0 ? State.HALTED : done;
    }

    /** @return how many servers of the plan have an outcome */
    public long count(Outcome outcome) {
        return servers.values().stream().filter(step -> step.outcome() == outcome).count();
    }

    private static String bounded(String message) {
        return message == null || message.length() <= MAX_MESSAGE_CHARS ? message
                : message.substring(0, MAX_MESSAGE_CHARS - 1) + "…";
    }
}
