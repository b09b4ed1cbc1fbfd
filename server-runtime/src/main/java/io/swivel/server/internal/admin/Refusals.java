package io.swivel.server.internal.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what the admin API refused, by cause, in {@code swivel_admin_refused_total{cause}}, and
 * logs each cause at most once per {@value #LOG_INTERVAL_SECONDS} s (with how many were not logged
 * since), so a flood of refusals cannot flood the log. Lock-free: safe on the event loop.
 */
final class Refusals {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    static final String METER = "swivel.admin.refused";
    static final long LOG_INTERVAL_SECONDS = 30;

    /** Why a connection or request was refused; the label value is the lower-case name. */
    enum Cause {
        /** More connections than {@code --admin-max-connections}. */
        CONNECTIONS,
        /** Beyond {@code --admin-max-connections}, more of the health reserve than one address may hold. */
        CONNECTIONS_PER_ADDRESS,
        /** A request's header or body did not arrive within {@code --admin-read-timeout}. */
        READ_TIMEOUT,
        /** An answer was not taken by the client within {@code --admin-read-timeout}. */
        WRITE_TIMEOUT,
        /** More {@code POST /v1/call} running than {@code --admin-max-calls}. */
        CALLS,
        /** The admin API's workers and their queue were all taken. */
        BUSY,
        /** A failed TLS handshake on the HTTPS admin port (a plain-HTTP client, an untrusting one). */
        TLS,
        /** A body larger than {@code --admin-max-body-size}. */
        BODY_TOO_LARGE,
        /** A request line or header too long, or not HTTP. */
        BAD_REQUEST,
        /** More uploads ({@code POST /v1/bundles}) or jar downloads at once than the admin API takes. */
        TRANSFERS;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Map<Cause, Counter> counters = new EnumMap<>(Cause.class);
    private final Map<Cause, AtomicLong> lastLogged = new EnumMap<>(Cause.class);
    private final Map<Cause, AtomicLong> unlogged = new EnumMap<>(Cause.class);

    Refusals(MeterRegistry registry) {
        long never = System.nanoTime() - TimeUnit.SECONDS.toNanos(LOG_INTERVAL_SECONDS + 1);
        for (Cause cause : Cause.values()) {
            counters.put(cause, Counter.builder(METER)
                    .description("Connections and requests the admin API refused, by cause")
                    .tag("cause", cause.label())
                    .register(registry));
            lastLogged.put(cause, new AtomicLong(never));
            unlogged.put(cause, new AtomicLong());
        }
    }

    /**
     * Counts one refusal and logs it unless this cause was logged in the last interval.
     *
     * @param cause why
     * @param detail what was refused and the figures, one line (never a token)
     */
    void refused(Cause cause, String detail) {
        counters.get(cause).increment();
        AtomicLong last = lastLogged.get(cause);
        long now = System.nanoTime();
        long before = last.get();
        if (now - before >= TimeUnit.SECONDS.toNanos(LOG_INTERVAL_SECONDS) && last.compareAndSet(before, now)) {
            long skipped = unlogged.get(cause).getAndSet(0);
            log.warn("admin API refused ({}): {}{}", cause.label(), detail, skipped == 0 ? ""
                    : " (" + skipped + " more refusal(s) of this cause not logged in the last " + LOG_INTERVAL_SECONDS + " s)");
        } else {
            unlogged.get(cause).incrementAndGet();
        }
    }

    /** @return how many of this cause were refused so far */
    long count(Cause cause) {
        return (long) counters.get(cause).count();
    }
}
