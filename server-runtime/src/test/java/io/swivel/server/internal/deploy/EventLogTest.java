package io.swivel.server.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event log keeps its last {@link EventLog#DEFAULT_CAPACITY} events, newest first, each one line, with the clock's time. */
class EventLogTest {

    private final FakeHost.FakeClock clock = new FakeHost.FakeClock();
    private final EventLog log = new EventLog(clock);

    @Test
    void theOldestGoBeyondTheCapacityAndTheTotalCountsThemAll() {
        for (int i = 1; i <= EventLog.DEFAULT_CAPACITY + 7; i++) {
            clock.advance(Duration.ofMillis(1));
            log.undeployed("b" + i, Path.of("deploy", "b" + i + ".jar"));
        }
        List<EventLog.Event> all = log.latest(EventLog.DEFAULT_CAPACITY + 100);
        assertThat(all).hasSize(EventLog.DEFAULT_CAPACITY);
        assertThat(all.get(0).bundle()).isEqualTo("b" + (EventLog.DEFAULT_CAPACITY + 7));
        assertThat(all.get(all.size() - 1).bundle()).as("the 7 oldest are gone").isEqualTo("b8");
        assertThat(all).extracting(EventLog.Event::time).isSortedAccordingTo((a, b) -> b.compareTo(a));
        assertThat(log.total()).isEqualTo(EventLog.DEFAULT_CAPACITY + 7);
        assertThat(log.latest(3)).extracting(EventLog.Event::bundle)
                .containsExactly("b" + (EventLog.DEFAULT_CAPACITY + 7), "b" + (EventLog.DEFAULT_CAPACITY + 6), "b" + (EventLog.DEFAULT_CAPACITY + 5));
        assertThat(all.get(0).message()).isEqualTo("b" + (EventLog.DEFAULT_CAPACITY + 7) + ".jar left the deploy directory; b"
                + (EventLog.DEFAULT_CAPACITY + 7) + " no longer serves");
    }

    @Test
    void aFailedEventNamesTheVersionTheJarHolds(@org.junit.jupiter.api.io.TempDir Path root) {
        FakeHost host = new FakeHost(root);
        Retirer retirer = new Retirer(FakeHost::unload, Duration.ofSeconds(5), log);
        Probation probation = new Probation(new Probation.Policy(Duration.ZERO, 0.5, 10, Duration.ofSeconds(2),
                Duration.ofMillis(5)), clock);
        try {
            BundleLifecycle greeter = new BundleLifecycle("greeter", host, retirer, probation, log, clock, 3);
            Path jar = root.resolve("greeter.jar");
            assertThat(greeter.deploy(jar, host.descriptor("greeter", "1.0.0"), null, System.nanoTime())).isTrue();
            host.failingVersions.add("3.0.0");
            assertThat(greeter.deploy(jar, host.descriptor("greeter", "3.0.0"), null, System.nanoTime())).isFalse();
            greeter.failed(root.resolve("other.jar"), new DeploymentException("not a jar", null), null);

            List<EventLog.Event> events = log.latest(2);
            assertThat(events.get(1).type()).isEqualTo("failed");
            assertThat(events.get(1).version()).isEqualTo("3.0.0");
            assertThat(events.get(1).message()).contains("3.0.0").endsWith("; 1.0.0 serves instead");
            assertThat(events.get(0).type()).isEqualTo("failed");
            assertThat(events.get(0).version()).as("a jar that was not read that far").isNull();
        } finally {
            probation.close();
            retirer.close();
        }
    }

    @Test
    void theCapacityIsASetting() {
        EventLog small = new EventLog(clock, 2);
        for (int i = 1; i <= 5; i++) {
            small.undeployed("b" + i, Path.of("deploy", "b" + i + ".jar"));
        }
        assertThat(small.capacity()).isEqualTo(2);
        assertThat(small.latest(10)).extracting(EventLog.Event::bundle).containsExactly("b5", "b4");
        assertThat(small.total()).isEqualTo(5);
    }

    @Test
    void aMessageIsOneBoundedLine() {
        log.undeployed(null, Path.of("x\ny.jar"));
        log.serverStarted("a".repeat(2 * EventLog.MAX_MESSAGE));
        List<EventLog.Event> events = log.latest(2);
        assertThat(events.get(1).message()).isEqualTo("x y.jar left the deploy directory");
        assertThat(events.get(0).message()).startsWith("a".repeat(EventLog.MAX_MESSAGE) + "… [truncated: ")
                .doesNotContain("\n");
        assertThat(events.get(0).type()).isEqualTo("server_started");
        assertThat(events.get(0).bundle()).isNull();
    }

    @Test
    void uptimeRunsFromTheStartByTheLogsClock() {
        assertThat(log.uptime()).isZero();
        assertThat(log.startedAt()).isNull();
        Instant start = clock.instant();
        log.serverStarted("serving");
        clock.advance(Duration.ofSeconds(75));
        assertThat(log.startedAt()).isEqualTo(start);
        assertThat(log.uptime()).isEqualTo(Duration.ofSeconds(75));
    }
}
