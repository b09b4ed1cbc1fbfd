package io.swivel.bench.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Medians and number formats for the tables. */
public final class Stats {

    private Stats() {
    }

    /**
     * The median (the mean of the middle two for an even count).
     *
     * @param values at least one value
     * @return the median
     */
    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * The largest value.
     *
     * @param values at least one value
     * @return the maximum
     */
    public static double max(List<Double> values) {
        return Collections.max(values);
    }

    /**
     * A number with a fixed number of decimals.
     *
     * @param value the number
     * @param decimals how many decimals
     * @return the text
     */
    public static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /**
     * A rate, rounded to whole calls per second.
     *
     * @param value calls per second
     * @return the text
     */
    public static String rate(double value) {
        return String.format(Locale.ROOT, "%.0f", value);
    }
}
