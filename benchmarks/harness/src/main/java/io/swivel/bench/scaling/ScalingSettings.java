package io.swivel.bench.scaling;

import java.util.List;

/**
 * The levels of the scaling scenario.
 *
 * @param connections client connection counts of the getUser rows
 * @param bodies answer sizes (bytes) of the getBody rows
 * @param bundles bundle counts (the benchmark bundle included), ascending
 * @param largeLibs nested libraries of the large bundle
 * @param largeLibBytes incompressible bytes in each of them
 * @param parts which of {@link #PARTS} to run
 */
public record ScalingSettings(List<Integer> connections, List<Integer> bodies, List<Integer> bundles, int largeLibs,
                              int largeLibBytes, List<String> parts) {

    /** The parts of the scenario, in the order they run. */
    public static final List<String> PARTS = List.of("connections", "bodies", "bundles", "large", "cold-start");

    /**
     * Checks the values.
     *
     * @param connections connection counts
     * @param bodies body sizes
     * @param bundles bundle counts
     * @param largeLibs nested libraries
     * @param largeLibBytes bytes in each
     * @param parts the parts to run
     */
    public ScalingSettings {
        connections = List.copyOf(connections);
        bodies = List.copyOf(bodies);
        bundles = List.copyOf(bundles);
        parts = List.copyOf(parts);
        for (String part : parts) {
            if (!PARTS.contains(part)) {
                throw new IllegalArgumentException("--scaling-parts: unknown part '" + part + "' (expected some of " + PARTS + ")");
            }
        }
        if (connections.isEmpty() || bodies.isEmpty() || bundles.isEmpty()) {
            throw new IllegalArgumentException("--scaling-connections, --scaling-bodies and --scaling-bundles each need a value");
        }
        for (int n : connections) {
            within(n, 1, 10_000, "--scaling-connections");
        }
        for (int n : bodies) {
            within(n, 8, 8 << 20, "--scaling-bodies");
        }
        int previous = 0;
        for (int n : bundles) {
            within(n, previous + 1, 1_000, "--scaling-bundles (ascending)");
            previous = n;
        }
        within(largeLibs, 0, 1_000, "--scaling-large-libs");
        within(largeLibBytes, 1, 64 << 20, "--scaling-large-lib-bytes");
    }

    /**
     * @param part one of {@link #PARTS}
     * @return whether it runs
     */
    public boolean runs(String part) {
        return parts.contains(part);
    }

    private static void within(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + " to " + max + ")");
        }
    }
}
