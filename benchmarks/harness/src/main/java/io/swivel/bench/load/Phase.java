package io.swivel.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A stretch of load measured on its own: warm-up, measurement, steady, swap...
 *
 * @param name the phase's name
 * @param duration how long it lasts
 */
public record Phase(String name, Duration duration) {

    /**
     * Checks the values.
     *
     * @param name the name
     * @param duration a positive duration
     */
    public Phase {
        Objects.requireNonNull(name, "name");
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("phase " + name + ": duration " + duration + " (expected: > 0)");
        }
    }

    /**
     * Parses {@code name:duration,...}, for example {@code warmup:10s,measure:20s}.
     *
     * @param spec the phases
     * @return the phases
     */
    public static List<Phase> parseAll(String spec) {
        List<Phase> phases = new ArrayList<>();
        for (String part : spec.split(",")) {
            int colon = part.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("phase '" + part + "' (expected: name:duration, e.g. measure:20s)");
            }
            phases.add(new Phase(part.substring(0, colon), Durations.parse(part.substring(colon + 1))));
        }
        return phases;
    }

    /** @return {@code name:duration} as {@link #parseAll} reads it */
    public String spec() {
        return name + ":" + duration.toMillis() + "ms";
    }
}
