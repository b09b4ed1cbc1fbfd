package io.swivel.server.internal.deploy;

import io.swivel.server.internal.metrics.ServerMetrics;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a shadow's copies came to: how many were copied, matched, mismatched, failed on the
 * shadow or dropped because its queue was full, and the last {@value #KEPT} mismatches with the
 * method, the arguments and both answers (each cut by {@link BoundedText}). Counted here and in
 * the server's metrics.
 */
final class ShadowReport {

    /** How many mismatches are kept. */
    static final int KEPT = 20;
    /** The longest argument list or answer kept in a mismatch, in characters. */
    static final int MAX_TEXT = 512;

    /** How a copy ended; the metrics' {@code outcome} label. */
    enum Outcome {
        MATCH, MISMATCH, ERROR, DROPPED;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One answer of the shadow that differs from the live one.
     *
     * @param at when the shadow answered
     * @param method {@code Service.methodKey}
     * @param arguments the arguments, as text
     * @param live the live answer, as text
     * @param shadow the shadow's answer, as text
     */
    record Mismatch(Instant at, String method, String arguments, String live, String shadow) {
    }

    private final String bundle;
    private final String version;
    private final ServerMetrics metrics;
    private final Clock clock;
    private final LongAdder copied = new LongAdder();
    private final LongAdder matches = new LongAdder();
    private final LongAdder mismatches = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    /** Guarded by itself. */
    private final Deque<Mismatch> last = new ArrayDeque<>(KEPT);
    private volatile String lastError;

    ShadowReport(String bundle, String version, ServerMetrics metrics, Clock clock) {
        this.bundle = bundle;
        this.version = version;
        this.metrics = metrics;
        this.clock = clock;
    }

    void copied() {
        copied.increment();
    }

    void matched() {
        count(matches, Outcome.MATCH);
    }

    /** Keeps the mismatch before counting it, so a count read includes every mismatch it counts. */
    void mismatched(String method, String arguments, String live, String shadow) {
        Mismatch mismatch = new Mismatch(clock.instant(), method, BoundedText.of(arguments, MAX_TEXT),
                BoundedText.of(live, MAX_TEXT), BoundedText.of(shadow, MAX_TEXT));
        synchronized (last) {
            if (last.size() == KEPT) {
                last.removeFirst();
            }
            last.addLast(mismatch);
        }
        count(mismatches, Outcome.MISMATCH);
    }

    void failed(String method, String error) {
        count(errors, Outcome.ERROR);
        lastError = BoundedText.of(method + ": " + error, MAX_TEXT);
    }

    void dropped() {
        count(dropped, Outcome.DROPPED);
    }

    private void count(LongAdder counter, Outcome outcome) {
        counter.increment();
        metrics.shadowCopy(bundle, version, outcome.label());
    }

    long copiedCount() {
        return copied.sum();
    }

    long matchCount() {
        return matches.sum();
    }

    long mismatchCount() {
        return mismatches.sum();
    }

    long errorCount() {
        return errors.sum();
    }

    long droppedCount() {
        return dropped.sum();
    }

    List<Mismatch> mismatches() {
        synchronized (last) {
            return List.copyOf(last);
        }
    }

    /** The counts and the mismatches kept, oldest first, as the admin API shows them. */
    Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("copied", copiedCount());
        view.put("matches", matchCount());
        view.put("mismatches", mismatchCount());
        view.put("errors", errorCount());
        view.put("dropped", droppedCount());
        view.put("lastError", lastError);
        view.put("lastMismatches", mismatches().stream().map(m -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("at", m.at().toString());
            entry.put("method", m.method());
            entry.put("arguments", m.arguments());
            entry.put("live", m.live());
            entry.put("shadow", m.shadow());
            return entry;
        }).toList());
        return view;
    }
}
