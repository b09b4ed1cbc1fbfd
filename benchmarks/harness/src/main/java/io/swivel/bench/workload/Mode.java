package io.swivel.bench.workload;

/** How the load generator calls: blocking threads, or a fixed number of calls outstanding. */
public enum Mode {
    /** N threads, each making one blocking call after another. */
    SYNC,
    /** One driver keeping a fixed number of asynchronous calls in flight. */
    ASYNC;

    /** @return "sync" or "async" */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Parses a mode.
     *
     * @param label "sync" or "async"
     * @return the mode
     * @throws IllegalArgumentException for anything else
     */
    public static Mode of(String label) {
        return switch (label) {
            case "sync" -> SYNC;
            case "async" -> ASYNC;
            default -> throw new IllegalArgumentException("unknown mode '" + label + "' (expected: sync or async)");
        };
    }
}
