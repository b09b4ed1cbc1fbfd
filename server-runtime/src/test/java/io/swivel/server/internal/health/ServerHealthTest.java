package io.swivel.server.internal.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ServerHealthTest {

    private Instant now = Instant.parse("2026-12-01T12:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void upUntilAFaultThenDegradedForTheRecoveryWindowOfTheLastFault() {
        ServerHealth health = new ServerHealth(clock, Duration.ofSeconds(30));
        assertThat(health.status().degraded()).isFalse();
        assertThat(health.status().word()).isEqualTo("UP");

        Instant first = now;
        health.degraded("OutOfMemoryError in greeter 1.0.0 greet");
        now = now.plusSeconds(20);
        health.degraded("OutOfMemoryError again");
        now = now.plusSeconds(20);
        ServerHealth.Status status = health.status();
        assertThat(status.degraded()).isTrue();
        assertThat(status.word()).isEqualTo("DEGRADED");
        assertThat(status.reason()).isEqualTo("OutOfMemoryError again");
        assertThat(status.since()).isEqualTo(first);

        now = now.plusSeconds(11);
        assertThat(health.status().degraded()).isFalse();
    }
}
