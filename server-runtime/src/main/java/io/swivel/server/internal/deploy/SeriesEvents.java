package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.VersionSeries;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lifecycle events the admin page marks on its chart's time axis (swap, canary step,
 * rollback, canary end, shadow start and end), per bundle: the last {@link #MAX_EVENTS} of the chart's 10 minutes,
 * forgotten with the bundle. Also builds the chart's answer from a bundle's loaded versions.
 */
final class SeriesEvents implements LifecycleListener {

    static final int MAX_EVENTS = 50;
    static final long SPAN_MILLIS = VersionSeries.STEP_MILLIS * VersionSeries.POINTS;

    private final Clock clock;
    private final Map<String, ArrayDeque<Event>> events = new ConcurrentHashMap<>();

    SeriesEvents(Clock clock) {
        this.clock = clock;
    }

    /** One marked moment. */
    record Event(long atMillis, String kind, String text) {
    }

    @Override
    public void swapped(BundleGeneration from, BundleGeneration to, long nanos) {
        add(to.name(), "swap", from == null ? to.version() + " serves" : from.version() + " → " + to.version());
    }

    @Override
    public void rolledBack(BundleGeneration from, BundleGeneration to, String source, Rollback rollback, String message) {
        add(to.name(), "rollback", from.version() + " → " + to.version() + " rolled back");
    }

    @Override
    public void canaryWeighted(BundleGeneration canary, BundleGeneration stable, Rollout rollout) {
        add(canary.name(), "canary", "canary " + canary.version() + " at " + rollout.weight() + "%");
    }

    @Override
    public void canaryEnded(BundleGeneration canary, BundleGeneration stable, boolean promoted, String message) {
        add(canary.name(), promoted ? "promote" : "rollback", promoted ? "canary " + canary.version() + " promoted"
                : "canary " + canary.version() + " rolled back");
    }

    @Override
    public void shadowStarted(ShadowMirror mirror, String message) {
        add(mirror.shadow().name(), "shadow", "shadow " + mirror.shadow().version() + " at " + mirror.percent() + "%");
    }

    @Override
    public void shadowEnded(ShadowMirror mirror, boolean promoted, String message) {
        add(mirror.shadow().name(), promoted ? "promote" : "shadow", "shadow " + mirror.shadow().version()
                + (promoted ? " promoted" : " stopped"));
    }

    @Override
    public void forgotten(String bundle) {
        events.remove(bundle);
    }

    private void add(String bundle, String kind, String text) {
        ArrayDeque<Event> list = events.computeIfAbsent(bundle, b -> new ArrayDeque<>());
        synchronized (list) {
            list.addLast(new Event(clock.millis(), kind, text));
            while (list.size() > MAX_EVENTS) {
                list.removeFirst();
            }
        }
    }

    List<Event> recent(String bundle, long nowMillis) {
        ArrayDeque<Event> list = events.get(bundle);
        if (list == null) {
            return List.of();
        }
        synchronized (list) {
            return list.stream().filter(e -> e.atMillis() >= nowMillis - SPAN_MILLIS).toList();
        }
    }

    /**
     * The chart of one bundle: each loaded version's points, old and new told apart (with a
     * canary, the stable version is old and the canary new; without, the standby is old).
     */
    Map<String, Object> chart(String bundle, BundleGeneration active, BundleGeneration canary, BundleGeneration standby) {
        List<Map<String, Object>> versions = new ArrayList<>();
        if (canary != null) {
            versions.add(version(active, "active", "old"));
            versions.add(version(canary, "canary", "new"));
        } else {
            if (standby != null) {
                versions.add(version(standby, "standby", "old"));
            }
            versions.add(version(active, "active", "new"));
        }
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("bundle", bundle);
        chart.put("stepMillis", VersionSeries.STEP_MILLIS);
        chart.put("now", clock.millis());
        chart.put("versions", versions);
        chart.put("events", recent(bundle, clock.millis()));
        return chart;
    }

    private static Map<String, Object> version(BundleGeneration generation, String role, String side) {
        Map<String, Object> version = new LinkedHashMap<>();
        version.put("version", generation.version());
        version.put("role", role);
        version.put("side", side);
        version.put("points", generation.series().points());
        return version;
    }
}
