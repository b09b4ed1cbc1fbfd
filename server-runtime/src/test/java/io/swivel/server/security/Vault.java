package io.swivel.server.security;

import java.util.List;
import java.util.Map;

/**
 * The service of the security test bundle ({@link VaultBundle}): arguments of every shape a body
 * can carry (a POJO, a record, a list, a map, arrays, nesting), each answered with something
 * computed from what arrived, so a test can tell a correct decode from a wrong one.
 */
public interface Vault {

    /**
     * @param text anything
     * @return {@code "echo:" + text}
     */
    String echo(String text);

    /**
     * @param parcel a POJO
     * @return its label, tag count, count entries, number sum and chain length, as text
     */
    String parcel(Parcel parcel);

    /**
     * @param envelope a record
     * @return its label, tag count, payload length and parcel label, as text
     */
    String envelope(Envelope envelope);

    /**
     * @param items a list
     * @return its size
     */
    int count(List<String> items);

    /**
     * @param entries a map
     * @return its size
     */
    int size(Map<String, Integer> entries);

    /**
     * @param numbers an array
     * @return their sum
     */
    long sum(int[] numbers);

    /**
     * @param nested lists in lists
     * @return how deep the nesting goes
     */
    int depth(List<Object> nested);
}
