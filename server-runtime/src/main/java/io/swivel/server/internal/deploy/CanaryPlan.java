package io.swivel.server.internal.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a canary widens: the weights it takes step by step (percent of the bundle's calls, ending
 * at 100, which promotes it), how long each step lasts before its analysis, and whether calls
 * choose their version by their arguments (sticky) or at random.
 *
 * @param steps weights in percent, rising, each 1 to 100, the last 100
 * @param stepEvery how long a step lasts before the analysis that may widen it
 * @param sticky whether the same arguments always go to the same version
 */
public record CanaryPlan(List<Integer> steps, Duration stepEvery, boolean sticky) {

    /** The steps when none are given. */
    public static final List<Integer> DEFAULT_STEPS = List.of(1, 5, 25, 50, 100);
    /** A step's length when none is given. */
    public static final Duration DEFAULT_STEP_EVERY = Duration.ofMinutes(1);
    static final int MAX_STEPS = 20;
    static final Duration MIN_STEP_EVERY = Duration.ofMillis(100);
    static final Duration MAX_STEP_EVERY = Duration.ofHours(24);

    /** The manifest attribute that makes a dropped jar start as a canary. */
    public static final String MANIFEST_ATTRIBUTE = "Swivel-Rollout";
    private static final Pattern MANIFEST_FORM = Pattern.compile(
            "\\s*canary(?:\\s+([0-9][0-9,\\s]*?))?(?:\\s+every\\s+(\\S+))?(\\s+sticky)?\\s*", Pattern.CASE_INSENSITIVE);

    /**
     * Validates the plan; a last step below 100 gets 100 appended.
     *
     * @param steps the weights
     * @param stepEvery the step length
     * @param sticky whether keyed
     */
    public CanaryPlan {
        Objects.requireNonNull(steps, "steps");
        Objects.requireNonNull(stepEvery, "stepEvery");
        List<Integer> checked = new ArrayList<>(steps);
        if (checked.isEmpty() || checked.get(checked.size() - 1) != 100) {
            checked.add(100);
        }
        if (checked.size() < 2 || checked.size() > MAX_STEPS) {
            throw new IllegalArgumentException("steps: " + steps + " (expected: 1 to " + (MAX_STEPS - 1)
                    + " weights below 100, then 100)");
        }
        int previous = 0;
        for (int weight : checked) {
            if (weight <= previous || weight > 100) {
                throw new IllegalArgumentException("steps: " + steps + " (expected: rising percentages, each 1 to 100)");
            }
            previous = weight;
        }
        if (stepEvery.compareTo(MIN_STEP_EVERY) < 0 || stepEvery.compareTo(MAX_STEP_EVERY) > 0) {
            throw new IllegalArgumentException("stepEvery: " + stepEvery + " (expected: " + MIN_STEP_EVERY.toMillis()
                    + " ms to 24 h)");
        }
        steps = List.copyOf(checked);
    }

    /**
     * Reads {@code canary [STEPS] [every DURATION] [sticky]} (the value of {@value #MANIFEST_ATTRIBUTE}),
     * for example {@code canary 5,25,100 every 1m}.
     *
     * @param attribute the attribute's value
     * @return the plan
     * @throws IllegalArgumentException if it does not read, saying what is expected
     */
    public static CanaryPlan fromManifest(String attribute) {
        Matcher form = MANIFEST_FORM.matcher(attribute);
        if (!form.matches()) {
            throw new IllegalArgumentException(MANIFEST_ATTRIBUTE + ": \"" + attribute
                    + "\" (expected: canary [STEPS] [every DURATION] [sticky], e.g. canary 5,25,100 every 1m;"
                    + " or shadow [PERCENT%] [threads N] [queue N], e.g. shadow 10%)");
        }
        return new CanaryPlan(form.group(1) != null ? steps(form.group(1)) : DEFAULT_STEPS,
                form.group(2) != null ? duration(form.group(2)) : DEFAULT_STEP_EVERY, form.group(3) != null);
    }

    /**
     * Reads {@code 1,5,25,50,100}.
     *
     * @param csv weights separated by commas
     * @return the weights
     */
    public static List<Integer> steps(String csv) {
        List<Integer> steps = new ArrayList<>();
        for (String part : csv.split(",")) {
            String weight = part.trim().replace("%", "");
            if (weight.isEmpty()) {
                continue;
            }
            try {
                steps.add(Integer.parseInt(weight));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("steps: \"" + csv + "\" (expected: percentages such as 1,5,25,50,100)", e);
            }
        }
        return steps;
    }

    /**
     * Reads {@code 500ms}, {@code 30s}, {@code 1m}, {@code 2h}.
     *
     * @param text the duration
     * @return it
     */
    public static Duration duration(String text) {
        Matcher m = Pattern.compile("(\\d+)\\s*(ms|s|m|h)").matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("duration: \"" + text + "\" (expected: a number and ms, s, m or h, e.g. 1m)");
        }
        long value = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(value);
            case "s" -> Duration.ofSeconds(value);
            case "m" -> Duration.ofMinutes(value);
            default -> Duration.ofHours(value);
        };
    }

    /** @return {@code canary 5,25,100 every 1m} (and {@code sticky}), the manifest form */
    public String describe() {
        StringBuilder text = new StringBuilder("canary ");
        for (int i = 0; i < steps.size(); i++) {
            text.append(i == 0 ? "" : ",").append(steps.get(i));
        }
        long millis = stepEvery.toMillis();
        text.append(" every ").append(millis % 60_000 == 0 ? millis / 60_000 + "m"
                : millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms");
        return sticky ? text.append(" sticky").toString() : text.toString();
    }
}
