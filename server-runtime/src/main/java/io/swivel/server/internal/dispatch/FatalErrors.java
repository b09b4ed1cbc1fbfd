package io.swivel.server.internal.dispatch;

import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.health.ServerHealth;
import io.swivel.server.internal.metrics.ServerMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the {@link Dispatcher} does with a {@link VirtualMachineError} ({@link OutOfMemoryError},
 * {@link StackOverflowError}, ...) thrown by bundle code while a call runs, or while its answer is
 * encoded: counts it in {@link ServerMetrics#fatalError}, marks the {@link ServerHealth} degraded,
 * logs it (the first of a kind at once, then at most one line per kind every {@link #LOG_EVERY},
 * saying how many were not logged) and says what the caller is told ({@code INTERNAL}).
 *
 * <p>A kind is a bundle version, a method, a phase and an error class. Only strings are kept, so
 * nothing here pins a bundle's classloader; at most {@value #MAX_KINDS} kinds are remembered.
 */
final class FatalErrors {

    private static final Logger log = LoggerFactory.getLogger(FatalErrors.class);

    /** After a fault is logged, the same kind of fault is logged again at most this often. */
    static final Duration LOG_EVERY = Duration.ofMinutes(1);
    private static final int MAX_KINDS = 256;
    private static final int FRAMES_SHOWN = 3;
    static final int MAX_MESSAGE_CHARS = 512;

    /** Where the error struck. */
    enum Phase {
        /** The service method ran (or its future completed). */
        CALL("in"),
        /** The method returned; its answer was being encoded for the caller. */
        ANSWER("while encoding the answer of"),
        /** Before the method ran: reading its arguments. */
        DISPATCH("while dispatching");

        private final String words;

        Phase(String words) {
            this.words = words;
        }
    }

    private final ServerMetrics metrics;
    private final ServerHealth health;
    private final Clock clock;
    private final Map<String, Kind> kinds = new ConcurrentHashMap<>();

    FatalErrors(ServerMetrics metrics, ServerHealth health, Clock clock) {
        this.metrics = metrics;
        this.health = health;
        this.clock = clock;
    }

    /**
     * Counts, marks and (rate-limited) logs one fatal error of a call.
     *
     * @param generation the generation the call ran on
     * @param methodKey the method
     * @param error what was thrown
     * @param phase where
     * @return the message of the {@code INTERNAL} answer
     */
    String record(BundleGeneration generation, String methodKey, VirtualMachineError error, Phase phase) {
        String type = jdkType(error);
        String what = type + " " + phase.words + " " + methodKey + " of " + generation.name() + " "
                + generation.version() + (error.getMessage() != null ? ": " + shortened(error.getMessage()) : "");
        metrics.fatalError(generation, type);
        health.degraded(what);
        String suppressed = admitLog(generation.name() + " " + generation.version() + " " + methodKey + " " + phase
                + " " + type);
        if (suppressed != null) {
            log.error("{}{}; answered INTERNAL, the server keeps serving and reports itself degraded for a while{}", what,
                    where(error), suppressed);
        }
        return what + "; the server keeps serving";
    }

    /** @return null to stay quiet, else the note to append (how many were not logged) */
    private String admitLog(String key) {
        Instant now = clock.instant();
        if (kinds.size() >= MAX_KINDS && !kinds.containsKey(key)) {
            kinds.clear(); // many kinds: forget them all (at worst a few more lines), never grow without bound
        }
        Kind kind = kinds.computeIfAbsent(key, k -> new Kind());
        synchronized (kind) {
            if (kind.quietUntil != null && now.isBefore(kind.quietUntil)) {
                kind.suppressed++;
                return null;
            }
            long skipped = kind.suppressed;
            kind.suppressed = 0;
            kind.quietUntil = now.plus(LOG_EVERY);
            return (skipped > 0 ? " (" + skipped + " more like it since the last report, not logged)" : "")
                    + " (the next like it is logged in " + LOG_EVERY.toSeconds() + " s at the earliest)";
        }
    }

    /** A bundle chooses the message of an error it throws: the answer, the log and the health reason get its start. */
    static String shortened(String message) {
        return message.length() <= MAX_MESSAGE_CHARS ? message
                : message.substring(0, MAX_MESSAGE_CHARS) + "... (" + message.length() + " chars)";
    }

    /** The first frames of where it was thrown: a StackOverflowError's whole trace would be 1,024 lines. */
    private static String where(Throwable error) {
        StackTraceElement[] frames = error.getStackTrace();
        if (frames.length == 0) {
            return "";
        }
        StringBuilder text = new StringBuilder(" (at ");
        for (int i = 0; i < Math.min(FRAMES_SHOWN, frames.length); i++) {
            text.append(i == 0 ? "" : " < ").append(frames[i]);
        }
        return text.append(frames.length > FRAMES_SHOWN ? " < ...)" : ")").toString();
    }

    /**
     * The error's JDK class (a bundle may subclass {@link InternalError}): a bounded label value
     * that names no bundle class.
     */
    static String jdkType(Throwable error) {
        Class<?> type = error.getClass();
        while (type.getClassLoader() != null) {
            type = type.getSuperclass();
        }
        return type.getSimpleName();
    }

    /** When a kind may be logged again, and how many were quiet meanwhile; guarded by itself. */
    private static final class Kind {
        private Instant quietUntil;
        private long suppressed;
    }
}
