package io.swivel.bench.load;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations written as the CLI writes them: {@code 500ms}, {@code 20s}, {@code 2m}. */
public final class Durations {

    private static final Pattern FORMAT = Pattern.compile("(\\d+)(ms|s|m)");

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @param text for example {@code 20s}
     * @return the duration
     * @throws IllegalArgumentException saying the expected format
     */
    public static Duration parse(String text) {
        Matcher matcher = FORMAT.matcher(text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("duration '" + text + "' (expected: a number and ms, s or m, e.g. 20s)");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
    }
}
