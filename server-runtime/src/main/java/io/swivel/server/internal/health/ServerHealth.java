package io.swivel.server.internal.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether this server is healthy or degraded, and why: what {@code GET /v1/health} reports. A
 * fault such as an {@link OutOfMemoryError} in a call marks the server degraded for a recovery
 * window; the mark lapses by itself once that window has passed without another fault.
 */
public final class ServerHealth {

    /** What {@code /v1/health} shows: {@code UP}, or {@code DEGRADED} with the reason and since when. */
    public record Status(boolean degraded, String reason, Instant since) {
        /** @return {@code "UP"} or {@code "DEGRADED"} */
        public String word() {
            return degraded ? "DEGRADED" : "UP";
        }
    }

    private static final Status UP = new Status(false, null, null);

    private final Clock clock;
    private final Duration recovery;
    private final AtomicReference<Mark> mark = new AtomicReference<>();

    private record Mark(String reason, Instant since, Instant until) {
    }

    /**
     * @param clock the time that decides when a degraded mark lapses
     * @param recovery how long the server stays degraded after its last fault
     */
    public ServerHealth(Clock clock, Duration recovery) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.recovery = Objects.requireNonNull(recovery, "recovery");
    }

    /** @return health on the system clock, degraded for 30 s after a fault */
    public static ServerHealth systemDefault() {
        return new ServerHealth(Clock.systemUTC(), Duration.ofSeconds(30));
    }

    /**
     * Marks the server degraded from now for the recovery window.
     *
     * @param reason what happened, one line
     */
    public void degraded(String reason) {
        Objects.requireNonNull(reason, "reason");
        Instant now = clock.instant();
        mark.updateAndGet(old -> new Mark(reason, old != null && old.until.isAfter(now) ? old.since : now,
                now.plus(recovery)));
    }

    /** @return the present status; never blocks */
    public Status status() {
        Mark current = mark.get();
        if (current == null || !current.until.isAfter(clock.instant())) {
            return UP;
        }
        return new Status(true, current.reason, current.since);
    }
}
