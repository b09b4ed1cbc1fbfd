package io.swivel.server.internal.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CallPaceTest {

    private static final long QUICK = TimeUnit.MICROSECONDS.toNanos(CallPace.QUICK_MICROS);

    @Test
    void aMethodIsQuickOnlyAfterItsStreakOfQuickCalls() {
        CallPace pace = new CallPace();
        assertThat(pace.quick()).as("never ran").isFalse();
        for (int i = 1; i < CallPace.STREAK; i++) {
            pace.ran(QUICK);
        }
        assertThat(pace.quick()).as("one call short of the streak").isFalse();
        pace.ran(1);
        assertThat(pace.quick()).isTrue();
        for (int i = 0; i < 1_000; i++) {
            pace.ran(0);
        }
        assertThat(pace.quick()).as("stays quick however long the streak").isTrue();
    }

    @Test
    void oneSlowCallEndsTheStreak() {
        CallPace pace = new CallPace();
        for (int i = 0; i < CallPace.STREAK; i++) {
            pace.ran(10);
        }
        pace.ran(QUICK + 1);
        assertThat(pace.quick()).isFalse();
        for (int i = 1; i < CallPace.STREAK; i++) {
            pace.ran(10);
        }
        assertThat(pace.quick()).as("the streak starts again from zero").isFalse();
        pace.ran(10);
        assertThat(pace.quick()).isTrue();
    }
}
