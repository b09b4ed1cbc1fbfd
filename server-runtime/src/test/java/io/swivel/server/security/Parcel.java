package io.swivel.server.security;

import java.util.List;
import java.util.Map;

/** A plain class with fields of every container kind and a link to another parcel. */
public class Parcel {

    /** A label. */
    public String label;
    /** Tags. */
    public List<String> tags;
    /** Counts. */
    public Map<String, ?> counts;
    /** Numbers. */
    public int[] numbers;
    /** The next parcel in a chain, or null. */
    public Parcel next;

    /** For deserialization. */
    public Parcel() {
    }

    /**
     * @param label the label
     * @param tags the tags
     * @param counts the counts
     * @param numbers the numbers
     */
    public Parcel(String label, List<String> tags, Map<String, Integer> counts, int[] numbers) {
        this.label = label;
        this.tags = tags;
        this.counts = counts;
        this.numbers = numbers;
    }

    /** @return how many parcels this chain holds, this one included */
    public int chainLength() {
        int n = 0;
        for (Parcel at = this; at != null; at = at.next) {
            n++;
        }
        return n;
    }

    /** @return a summary computed from every field */
    public String summary() {
        long sum = 0;
        if (numbers != null) {
            for (int number : numbers) {
                sum += number;
            }
        }
        return label + "/" + (tags == null ? -1 : tags.size()) + "/" + (counts == null ? -1 : counts.size()) + "/" + sum
                + "/" + chainLength();
    }
}
