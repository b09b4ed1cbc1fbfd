package io.swivel.server.internal.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swivel.server.internal.bundle.VersionSeries.Point;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The chart's per-version series on a fake clock: one point per step, gaps as zeros, bounded. */
class VersionSeriesTest {

    private static final long STEP = VersionSeries.STEP_MILLIS;
    private static final long T0 = 1_000_000 * STEP; // a step boundary

    private final AtomicLong now = new AtomicLong(T0 + 1_000);
    private final VersionSeries series = new VersionSeries(now::get);

    @Test
    void theOpenStepIsNotShownUntilItCloses() {
        series.record(TimeUnit.MILLISECONDS.toNanos(3), false);
        assertThat(series.points()).isEmpty();
        now.set(T0 + STEP);
        List<Point> points = series.points();
        assertThat(points).extracting(Point::startMillis, Point::calls, Point::failures)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(T0, 1L, 0L));
        assertThat(points.get(0).p99Micros()).isBetween(3000L, 3030L); // two significant digits
    }

    @Test
    void aStepCountsItsCallsFailuresAndP99() {
        for (int i = 1; i <= 100; i++) {
            series.record(TimeUnit.MILLISECONDS.toNanos(i), i % 10 == 0);
        }
        now.set(T0 + STEP + 10);
        Point point = series.points().get(0);
        assertThat(point.calls()).isEqualTo(100);
        assertThat(point.failures()).isEqualTo(10);
        assertThat(point.p99Micros()).isBetween(98_000L, 100_000L); // two significant digits
    }

    @Test
    void quietStepsArePointsWithoutCallsAndTheNextStepStartsEmpty() {
        series.record(1_000_000, true);
        now.set(T0 + 3 * STEP + 5);
        series.record(2_000_000, false);
        now.set(T0 + 4 * STEP);
        List<Point> points = series.points();
        assertThat(points).extracting(Point::startMillis).containsExactly(T0, T0 + STEP, T0 + 2 * STEP, T0 + 3 * STEP);
        assertThat(points).extracting(Point::calls).containsExactly(1L, 0L, 0L, 1L);
        assertThat(points).extracting(Point::failures).containsExactly(1L, 0L, 0L, 0L);
    }

    @Test
    void onlyTheLastTenMinutesAreKept() {
        for (int step = 0; step < 300; step++) {
            now.set(T0 + step * STEP + 1);
            series.record(1_000_000, false);
        }
        now.set(T0 + 300 * STEP);
        List<Point> points = series.points();
        assertThat(points).hasSize(VersionSeries.POINTS);
        assertThat(points.get(0).startMillis()).isEqualTo(T0 + 180 * STEP);
        assertThat(points.get(points.size() - 1).startMillis()).isEqualTo(T0 + 299 * STEP);
    }

    @Test
    void aLongSilenceLeavesAtMostTheBoundOfEmptyPoints() {
        series.record(1_000_000, false);
        now.set(T0 + 100_000 * STEP);
        List<Point> points = series.points();
        assertThat(points).hasSize(VersionSeries.POINTS);
        assertThat(points).allMatch(p -> p.calls() == 0);
        assertThat(points.get(points.size() - 1).startMillis()).isEqualTo(T0 + 99_999 * STEP);
    }

    @Test
    void aBadStepIsRefused() {
        assertThatThrownBy(() -> new VersionSeries(now::get, 0, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("stepMillis: 0 (expected: > 0)");
    }
}
