package io.swivel.client.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyEwmaTest {

    /** An average whose clock stands still, so that no sample ages between two lines of a test. */
    private static LatencyEwma frozen(double alpha) {
        return new LatencyEwma(alpha, TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.MILLISECONDS.toNanos(250), () -> 0L);
    }

    @Test
    void anAverageWithoutSamplesAgesSoThatAStarvedEndpointIsTriedAgain() {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        LatencyEwma ewma = new LatencyEwma(0.2, TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.MILLISECONDS.toNanos(250), now::get);
        ewma.record(20_000_000); // one slow first call: 20 ms
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(100));
        assertThat(ewma.value()).as("fresh for the idle time").isEqualTo(20_000_000);
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(250));
        assertThat(ewma.value()).as("then halves every half-life").isEqualTo(10_000_000);
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(ewma.value()).isEqualTo(2_500_000);
        ewma.record(100_000); // the next call, fast: it blends with the aged value, not the stale one
        assertThat(ewma.value()).isEqualTo(2_500_000 - (2_500_000 - 100_000) / 5);
        now.addAndGet(TimeUnit.SECONDS.toNanos(3600));
        assertThat(ewma.value()).as("never 0, which means unknown").isEqualTo(1);
    }

    @Test
    void anAverageInUseDoesNotAge() {
        AtomicLong now = new AtomicLong();
        LatencyEwma ewma = new LatencyEwma(0.2, TimeUnit.MILLISECONDS.toNanos(100), TimeUnit.MILLISECONDS.toNanos(250), now::get);
        for (int i = 0; i < 1000; i++) {
            ewma.record(1_000_000);
            now.addAndGet(TimeUnit.MILLISECONDS.toNanos(50));
        }
        assertThat(ewma.value()).isEqualTo(1_000_000);
        assertThatThrownBy(() -> new LatencyEwma(0.2, -1, 1, now::get)).hasMessage("idleNanos: -1 (expected: >= 0)");
        assertThatThrownBy(() -> new LatencyEwma(0.2, 0, 0, now::get)).hasMessage("halfLifeNanos: 0 (expected: > 0)");
    }

    @Test
    void unknownUntilTheFirstSampleWhichSetsTheValue() {
        LatencyEwma ewma = frozen(LatencyEwma.DEFAULT_ALPHA);
        assertThat(ewma.value()).isZero();
        ewma.record(7_000_000);
        assertThat(ewma.value()).isEqualTo(7_000_000);
    }

    @Test
    void convergesToANewSteadyValueWithinTwentySamples() {
        LatencyEwma ewma = frozen(LatencyEwma.DEFAULT_ALPHA);
        for (int i = 0; i < 50; i++) {
            ewma.record(1_000_000);
        }
        assertThat(ewma.value()).isEqualTo(1_000_000);
        for (int i = 0; i < 10; i++) {
            ewma.record(10_000_000);
        }
        // After ~10 samples most of the step is absorbed ...
        assertThat(ewma.value()).isGreaterThan(8_000_000).isLessThan(10_000_000);
        for (int i = 0; i < 10; i++) {
            ewma.record(10_000_000);
        }
        // ... and after 20 it is within a few percent.
        assertThat((double) ewma.value()).isCloseTo(10_000_000, within(300_000.0));
        for (int i = 0; i < 20; i++) {
            ewma.record(1_000_000);
        }
        assertThat((double) ewma.value()).isCloseTo(1_000_000, within(150_000.0));
    }

    @Test
    void oneOutlierMovesTheAverageByAFifth() {
        LatencyEwma ewma = frozen(LatencyEwma.DEFAULT_ALPHA);
        ewma.record(1_000_000);
        ewma.record(11_000_000);
        assertThat(ewma.value()).isEqualTo(3_000_000);
    }

    @Test
    void customAlpha() {
        LatencyEwma ewma = frozen(0.5);
        ewma.record(100);
        ewma.record(200);
        assertThat(ewma.value()).isEqualTo(150);
        assertThatThrownBy(() -> new LatencyEwma(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LatencyEwma(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LatencyEwma(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void zeroAndNegativeSamplesCountAsOneNanosecond() {
        LatencyEwma ewma = frozen(LatencyEwma.DEFAULT_ALPHA);
        ewma.record(0);
        assertThat(ewma.value()).isEqualTo(1);
        ewma.record(-50);
        assertThat(ewma.value()).isEqualTo(1);
    }

    @Test
    void extremeSamplesStayInRange() {
        LatencyEwma ewma = frozen(1.0);
        ewma.record(1);
        ewma.record(Long.MAX_VALUE);
        assertThat(ewma.value()).isEqualTo(Long.MAX_VALUE);
        ewma.record(1);
        assertThat(ewma.value()).isEqualTo(1);
        LatencyEwma smooth = frozen(LatencyEwma.DEFAULT_ALPHA);
        smooth.record(Long.MAX_VALUE);
        smooth.record(1);
        assertThat(smooth.value()).isPositive().isLessThan(Long.MAX_VALUE);
    }

    @Test
    void concurrentRecordsStayWithinTheSampleRange() throws Exception {
        LatencyEwma ewma = frozen(LatencyEwma.DEFAULT_ALPHA);
        ewma.record(5_000);
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long sample = t % 2 == 0 ? 1_000 : 9_000;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 50_000; i++) {
                        ewma.record(sample);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // Every intermediate value is a blend of samples, so the result lies within their range.
        assertThat(ewma.value()).isBetween(1_000L, 9_000L);
    }
}
