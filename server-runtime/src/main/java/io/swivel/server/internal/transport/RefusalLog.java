package io.swivel.server.internal.transport;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs refusals at most once per cause per interval, so a flood of refused connections writes a
 * handful of lines: the first of a cause at once, then one line per interval saying how many
 * more there were. One per server; thread-safe, lock-free.
 */
final class RefusalLog {

    private static final Logger log = LoggerFactory.getLogger(RefusalLog.class);

    /** The shortest time between two lines of one cause. */
    static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Map<Refusal, Cause> causes = new EnumMap<>(Refusal.class);
    private final LongSupplier clock;

    RefusalLog() {
        this(System::nanoTime);
    }

    RefusalLog(LongSupplier clock) {
        this.clock = clock;
        for (Refusal refusal : Refusal.values()) {
            causes.put(refusal, new Cause());
        }
    }

    /**
     * Notes one refusal; logs it if it is the first of its cause in the interval.
     *
     * @param refusal the cause
     * @param message what happened, with the values
     * @return true if this one was logged
     */
    boolean refused(Refusal refusal, String message) {
        Cause cause = causes.get(refusal);
        long total = cause.count.incrementAndGet();
        long now = clock.getAsLong();
        long last = cause.lastLogNanos.get();
        boolean due = last == Long.MIN_VALUE || now - last >= INTERVAL_NANOS;
        if (!due || !cause.lastLogNanos.compareAndSet(last, now)) {
            return false;
        }
        long before = cause.countAtLastLog.getAndSet(total);
        long unlogged = total - before - 1;
        if (unlogged > 0) {
            log.warn("{} ({} more {} since the last line; one line per minute per cause)", message, unlogged,
                    refusal.label());
        } else {
            log.warn("{} (further {} are reported once a minute)", message, refusal.label());
        }
        return true;
    }

    /** @return how many refusals of a cause were noted */
    long count(Refusal refusal) {
        return causes.get(refusal).count.get();
    }

    private static final class Cause {
        final AtomicLong count = new AtomicLong();
        final AtomicLong countAtLastLog = new AtomicLong();
        final AtomicLong lastLogNanos = new AtomicLong(Long.MIN_VALUE);
    }
}
