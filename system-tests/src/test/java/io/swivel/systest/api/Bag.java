package io.swivel.systest.api;

import java.util.List;
import java.util.Set;

/** The service of the bundle that takes collections, for the hostile-body tests. */
public interface Bag {

    /**
     * @param keys a set of lists
     * @return how many keys arrived
     */
    int size(Set<List<Integer>> keys);

    /**
     * @param anything any allowed value
     * @return 1 for a value, 0 for null
     */
    int count(Object anything);
}
