package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleGeneration;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * What happened lately, kept in memory for {@code GET /v1/events}, the admin page and
 * {@code swivel status}: the last {@code capacity} events ({@code --event-log-size},
 * {@value #DEFAULT_CAPACITY} by default) (deployed, failed, swapped, drained, rolled back,
 * probation passed or failed, configuration applied or failed, leak reported, undeployed,
 * restored, shadow started or ended, server started), each with its time. A lifecycle listener:
 * each event is one short record added under a lock, the oldest dropped beyond the capacity. Not persisted: a
 * restart starts an empty log (the markers, {@code state.json} and the log file keep the rest).
 */
public final class EventLog implements LifecycleListener {

    /** Events kept by default ({@code --event-log-size}); the oldest go first. About 300 bytes each. */
    public static final int DEFAULT_CAPACITY = 500;
    /** The longest message kept, in characters. */
    static final int MAX_MESSAGE = 500;

    /**
     * One event.
     *
     * @param time when it happened
     * @param type what happened: {@code deployed}, {@code failed}, {@code swapped}, {@code drained},
     *     {@code rolled_back}, {@code probation_passed}, {@code probation_failed}, {@code rollback_failed},
     *     {@code config_applied}, {@code config_failed}, {@code leak_reported}, {@code undeployed},
     *     {@code restored}, {@code shadow_started}, {@code shadow_stopped}, {@code shadow_promoted},
     *     {@code server_started}, and for a server that follows the cluster {@code converging},
     *     {@code converged}, {@code converge_failed}
     * @param bundle the bundle, or null for the server's own events
     * @param version the version concerned, or null
     * @param message one line that says it
     */
    public record Event(Instant time, String type, String bundle, String version, String message) {
    }

    private final Clock clock;
    private final int capacity;
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private long total;
    private volatile Instant startedAt;

    /**
     * @param clock the time of each event
     */
    public EventLog(Clock clock) {
        this(clock, DEFAULT_CAPACITY);
    }

    /**
     * @param clock the time of each event
     * @param capacity the events kept, at least 1
     */
    public EventLog(Clock clock, int capacity) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
    }

    /** @return the events kept at most */
    public int capacity() {
        return capacity;
    }

    /**
     * The newest events first.
     *
     * @param limit at most this many
     * @return the events
     */
    public synchronized List<Event> latest(int limit) {
        List<Event> newest = new ArrayList<>(Math.min(limit, events.size()));
        Iterator<Event> it = events.descendingIterator();
        while (it.hasNext() && newest.size() < limit) {
            newest.add(it.next());
        }
        return newest;
    }

    /** @return events recorded since the start, including those no longer kept */
    public synchronized long total() {
        return total;
    }

    /** @return when the server said it started serving, or null before */
    public Instant startedAt() {
        return startedAt;
    }

    /** @return how long since {@link #serverStarted}, by this log's clock; zero before */
    public java.time.Duration uptime() {
        Instant started = startedAt;
        return started != null ? java.time.Duration.between(started, clock.instant()) : java.time.Duration.ZERO;
    }

    /**
     * The server serves: its ports are bound.
     *
     * @param message what it serves and where
     */
    public void serverStarted(String message) {
        startedAt = clock.instant();
        add("server_started", null, null, message);
    }

    /**
     * Something the server did to follow the cluster's desired version of a bundle.
     *
     * @param type {@code converging}, {@code converged} or {@code converge_failed}
     * @param bundle the bundle
     * @param version the desired version
     * @param message one line that says it
     */
    public void cluster(String type, String bundle, String version, String message) {
        add(type, bundle, version, message);
    }

    private synchronized void add(String type, String bundle, String version, String message) {
        String line = BoundedText.of(message.replace('\n', ' '), MAX_MESSAGE);
        events.addLast(new Event(clock.instant().truncatedTo(ChronoUnit.MILLIS), type, bundle, version, line));
        total++;
        while (events.size() > capacity) {
            events.removeFirst();
        }
    }

    private void add(String type, BundleGeneration generation, String message) {
        add(type, generation.name(), generation.version(), message);
    }

    private static String id(BundleGeneration generation) {
        return generation.name() + " " + generation.version();
    }

    @Override
    public void failed(String bundle, String version, Path jar, DeploymentException error,
                       BundleGeneration servingInstead) {
        add("failed", bundle, version, jar.getFileName() + " did not deploy: " + error.getMessage()
                + (servingInstead != null ? "; " + servingInstead.version() + " serves instead" : "; nothing serves"));
    }

    @Override
    public void deployed(BundleGeneration generation, Path jar, BundleGeneration previous, long nanos) {
        add("deployed", generation, id(generation) + " serves from " + jar.getFileName()
                + (previous != null ? ", replacing " + previous.version() : "") + " ("
                + LifecycleListener.millis(nanos) + " ms)");
    }

    @Override
    public void restored(BundleGeneration generation, Path jar, String jarVersion, Rollback rollback) {
        add("restored", generation, id(generation) + " serves again after the restart " + (rollback != null
                ? "(rolled back from " + jarVersion + ", which " + jar.getFileName() + " still holds)"
                : "beside " + jarVersion + ", which " + jar.getFileName() + " holds (its canary or its shadow)"));
    }

    @Override
    public void swapped(BundleGeneration from, BundleGeneration to, long nanos) {
        if (from != null) {
            add("swapped", to, to.name() + " " + from.version() + " -> " + to.version() + " ("
                    + LifecycleListener.millis(nanos) + " ms)");
        }
    }

    @Override
    public void drained(BundleGeneration generation, Retirer.Drain drain) {
        add("drained", generation, id(generation) + " drained in " + LifecycleListener.millis(drain.nanos()) + " ms: "
                + drain.finished() + " call(s) finished, " + drain.abandoned() + " answered RELOADING"
                + (drain.standbyFor() != null ? "; standby for " + drain.standbyFor().toSeconds() + " s" : ""));
    }

    @Override
    public void leakReported(BundleGeneration generation, List<String> leftBehind) {
        add("leak_reported", generation, id(generation) + " left behind: " + String.join("; ", leftBehind));
    }

    @Override
    public void rolledBack(BundleGeneration from, BundleGeneration to, String source, Rollback rollback,
                           String message) {
        add("rolled_back", to, message);
    }

    @Override
    public void probationPassed(BundleGeneration generation, BundleGeneration standby) {
        add("probation_passed", generation, id(generation) + " passed probation"
                + (standby != null ? "; standby " + standby.version() + " released" : ""));
    }

    @Override
    public void probationFailed(BundleGeneration generation, String reason) {
        add("probation_failed", generation, id(generation) + " failed probation: " + reason);
    }

    @Override
    public void probationRollbackFailed(BundleGeneration generation, String reason, RollbackException error) {
        add("rollback_failed", generation, id(generation) + " failed probation (" + reason
                + ") and could not be rolled back: " + error.getMessage());
    }

    @Override
    public void configApplied(BundleGeneration generation, long nanos) {
        add("config_applied", generation, id(generation) + " applied its edited configuration ("
                + LifecycleListener.millis(nanos) + " ms)");
    }

    @Override
    public void configFailed(BundleGeneration generation, String message, Throwable cause) {
        add("config_failed", generation, id(generation) + " kept its configuration: " + message);
    }

    @Override
    public void undeployed(String bundle, Path jar) {
        add("undeployed", bundle, null, jar.getFileName() + " left the deploy directory"
                + (bundle != null ? "; " + bundle + " no longer serves" : ""));
    }

    @Override
    public void shadowStarted(ShadowMirror mirror, String message) {
        add("shadow_started", mirror.shadow(), message);
    }

    @Override
    public void shadowEnded(ShadowMirror mirror, boolean promoted, String message) {
        add(promoted ? "shadow_promoted" : "shadow_stopped", mirror.shadow(), message);
    }

    @Override
    public void shadowForgotten(String bundle, String version, Exception why) {
        add("shadow_stopped", bundle, version, bundle + " shadow " + version
                + " did not start again after the restart: " + why.getMessage());
    }
}
