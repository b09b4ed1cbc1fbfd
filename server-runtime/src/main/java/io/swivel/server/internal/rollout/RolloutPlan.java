package io.swivel.server.internal.rollout;

import java.util.ArrayList;
import java.util.List;

/**
 * How a rollout splits its servers into batches: {@code 1} (one server at a time, the default),
 * {@code N} (N at a time) or {@code P%} (that share of the servers at a time, rounded up, at least one).
 */
public final class RolloutPlan {

    private RolloutPlan() {
    }

    /**
     * Splits servers into batches, in the order given.
     *
     * @param servers the servers, each once
     * @param batch {@code 1}, {@code N} or {@code P%}
     * @return the batches, none empty
     * @throws IllegalArgumentException when {@code batch} is none of those forms
     */
    public static List<List<String>> batches(List<String> servers, String batch) {
        int size = batchSize(servers.size(), batch);
        List<List<String>> batches = new ArrayList<>();
        for (int from = 0; from < servers.size(); from += size) {
            batches.add(List.copyOf(servers.subList(from, Math.min(servers.size(), from + size))));
        }
        return batches;
    }

    /**
     * @param servers how many servers there are
     * @param batch {@code 1}, {@code N} or {@code P%}
     * @return how many servers one batch takes, at least 1
     */
    static int batchSize(int servers, String batch) {
        String spec = batch == null ? "" : batch.trim();
        try {
            if (spec.endsWith("%")) {
                int percent = Integer.parseInt(spec.substring(0, spec.length() - 1).trim());
                if (percent < 1 || percent > 100) {
                    throw new IllegalArgumentException("--batch " + batch + ": a share is 1% to 100%");
                }
                return Math.max(1, (int) Math.ceil(servers * percent / 100.0));
            }
            int count = Integer.parseInt(spec);
            if (count < 1) {
                throw new IllegalArgumentException("--batch " + batch + ": a batch holds at least one server");
            }
            return count;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--batch " + batch + " is not 1, a number of servers or a share such as 25%", e);
        }
    }
}
