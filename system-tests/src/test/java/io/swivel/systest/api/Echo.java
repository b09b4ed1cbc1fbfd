package io.swivel.systest.api;

import io.swivel.api.Idempotent;

/** The service of the bundle the cluster tests deploy on every server: each answer says which server gave it. */
public interface Echo {

    /** @return {@code <server name> <bundle version>} */
    @Idempotent
    String whoAmI();

    /**
     * Works for a while (retried elsewhere if its server dies: it is idempotent).
     *
     * @param key routes the call (consistent hash on the first argument)
     * @param millis how long
     * @return {@code <server name> <bundle version>}
     */
    @Idempotent
    String holdIdempotent(String key, long millis);

    /**
     * Works for a while; not idempotent, so never retried once sent.
     *
     * @param key routes the call (consistent hash on the first argument)
     * @param millis how long
     * @return {@code <server name> <bundle version>}
     */
    String hold(String key, long millis);

    /**
     * @param key routes the call
     * @return how many hold calls run on this server now
     */
    @Idempotent
    int holding(String key);

    /**
     * A quick call that is not idempotent.
     *
     * @param text anything
     * @return {@code <server name>:<text>}
     */
    String record(String text);
}
