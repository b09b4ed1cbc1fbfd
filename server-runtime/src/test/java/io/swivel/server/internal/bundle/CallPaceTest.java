package io.swivel.server.internal.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CallPaceTest {

    private static final long MICRO = TimeUnit.MICROSECONDS.toNanos(1);

    /** Counts quick runs of {@code micros} until the method is quick; at most 1,000. */
    private static int runsUntilQuick(CallPace pace, long micros) {
        for (int i = 1; i <= 1_000; i++) {
            pace.ran(micros * MICRO);
            if (pace.quick()) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aMethodStartsSlowAndBecomesQuickAfterAboutTwentyQuickCalls() {
        CallPace pace = new CallPace();
        assertThat(pace.quick()).as("never ran").isFalse();
        assertThat(runsUntilQuick(pace, 2)).isBetween(18, 30);
        for (int i = 0; i < 1_000; i++) {
            pace.ran(0);
        }
        assertThat(pace.quick()).as("stays quick").isTrue();
    }

    @Test
    void callsAroundTheThresholdOnAverageDecide() {
        CallPace pace = new CallPace();
        assertThat(runsUntilQuick(pace, CallPace.QUICK_MICROS + 5)).as("never quick on calls just over the threshold").isEqualTo(-1);
        assertThat(runsUntilQuick(pace, 1)).isPositive();
        for (int i = 0; i < 200; i++) {
            pace.ran(MICRO); // the average near 1 µs
        }
        assertThat(pace.quick()).isTrue();
        for (int i = 0; i < 3; i++) {
            pace.ran((CallPace.QUICK_MICROS * 3) * MICRO); // a few slower calls move the average up
        }
        assertThat(pace.quick()).as("the average passed 50 µs").isFalse();
    }

    @Test
    void oneCallThatRunsAMillisecondMakesTheMethodSlowAtOnce() {
        CallPace pace = new CallPace();
        assertThat(runsUntilQuick(pace, 1)).isPositive();
        pace.ran(CallPace.SLOW_MICROS * MICRO);
        assertThat(pace.quick()).isFalse();
        assertThat(runsUntilQuick(pace, 1)).as("it takes the whole way back").isBetween(18, 30);
    }
}
