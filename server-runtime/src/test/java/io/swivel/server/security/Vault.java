package io.swivel.server.security;

import java.util.List;
import java.util.Map;

/**
 * The service of the security test bundle ({@link VaultBundle}): arguments of every shape a body
 * can carry (a POJO, a record, a list, a map, arrays, nesting), each answered with something
 * computed from what arrived, so a test can tell a correct decode from a wrong one. The list and
 * map parameters (and {@link Parcel#counts}) are declared with wildcards so that the attack tests
 * can put any allowed value in each place: arguments are decoded against their declared types,
 * and a {@code List<String>} refuses a list element at its first byte (tested in the protocol's
 * {@code DecodeBudgetTest}).
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
    int count(List<?> items);

    /**
     * @param entries a map
     * @return its size
     */
    int size(Map<?, ?> entries);

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
