package io.swivel.client.failover;

import io.swivel.api.Idempotent;

/** The service the failover tests call: one method that may be repeated, one that may not. */
public interface Ledger {

    /** Reads a balance: safe to run twice. */
    @Idempotent
    String lookup(String account);

    /** Moves money: must not run twice. */
    String transfer(String account);
}
