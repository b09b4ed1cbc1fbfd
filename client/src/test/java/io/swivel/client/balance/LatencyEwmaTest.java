package io.swivel.client.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyEwmaTest {

    @Test
    void unknownUntilTheFirstSampleWhichSetsTheValue() {
        LatencyEwma ewma = new LatencyEwma();
        assertThat(ewma.value()).isZero();
        ewma.record(7_000_000);
        assertThat(ewma.value()).isEqualTo(7_000_000);
    }

    @Test
    void convergesToANewSteadyValueWithinTwentySamples() {
        LatencyEwma ewma = new LatencyEwma();
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
        LatencyEwma ewma = new LatencyEwma();
        ewma.record(1_000_000);
        ewma.record(11_000_000);
        assertThat(ewma.value()).isEqualTo(3_000_000);
    }

    @Test
    void customAlpha() {
        LatencyEwma ewma = new LatencyEwma(0.5);
        ewma.record(100);
        ewma.record(200);
        assertThat(ewma.value()).isEqualTo(150);
        assertThatThrownBy(() -> new LatencyEwma(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LatencyEwma(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LatencyEwma(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void zeroAndNegativeSamplesCountAsOneNanosecond() {
        LatencyEwma ewma = new LatencyEwma();
        ewma.record(0);
        assertThat(ewma.value()).isEqualTo(1);
        ewma.record(-50);
        assertThat(ewma.value()).isEqualTo(1);
    }

    @Test
    void extremeSamplesStayInRange() {
        LatencyEwma ewma = new LatencyEwma(1.0);
        ewma.record(1);
        ewma.record(Long.MAX_VALUE);
        assertThat(ewma.value()).isEqualTo(Long.MAX_VALUE);
        ewma.record(1);
        assertThat(ewma.value()).isEqualTo(1);
        LatencyEwma smooth = new LatencyEwma();
        smooth.record(Long.MAX_VALUE);
        smooth.record(1);
        assertThat(smooth.value()).isPositive().isLessThan(Long.MAX_VALUE);
    }

    @Test
    void concurrentRecordsStayWithinTheSampleRange() throws Exception {
        LatencyEwma ewma = new LatencyEwma();
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
