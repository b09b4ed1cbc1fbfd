package io.swivel.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A scrape in Prometheus' text format, read into samples, to assert on meters by name and labels. */
final class PrometheusText {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+\\S+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One line: a name, its labels and its value. */
    record Sample(String name, Map<String, String> labels, double value) {

        boolean has(Map<String, String> wanted) {
            return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        }
    }

    final String text;
    final List<Sample> samples;

    private PrometheusText(String text, List<Sample> samples) {
        this.text = text;
        this.samples = samples;
    }

    static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line.trim());
            if (!m.matches()) {
                throw new AssertionError("not a Prometheus sample line: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            String value = m.group(4);
            double number = switch (value) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(value);
            };
            samples.add(new Sample(m.group(1), labels, number));
        }
        return new PrometheusText(text, samples);
    }

    /** Every sample of a name whose labels include the given ones ({@code key, value, ...}). */
    List<Sample> all(String name, String... labels) {
        Map<String, String> wanted = labels(labels);
        return samples.stream().filter(s -> s.name().equals(name) && s.has(wanted)).toList();
    }

    /** The one sample of a name with these labels, if present; fails if several match. */
    Optional<Double> find(String name, String... labels) {
        List<Sample> found = all(name, labels);
        if (found.size() > 1) {
            throw new AssertionError(found.size() + " samples of " + name + " match " + List.of(labels) + ": " + found);
        }
        return found.stream().findFirst().map(Sample::value);
    }

    /** The value of the one sample of a name with these labels; fails if absent. */
    double value(String name, String... labels) {
        return find(name, labels).orElseThrow(() -> new AssertionError("no sample " + name + " " + List.of(labels)
                + " in the scrape; samples of that name: " + all(name)));
    }

    private static Map<String, String> labels(String... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in pairs: " + List.of(pairs));
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
