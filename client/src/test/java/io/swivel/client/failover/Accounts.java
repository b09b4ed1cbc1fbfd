package io.swivel.client.failover;

import io.swivel.api.Idempotent;
import java.util.concurrent.CompletableFuture;

/** The service the asynchronous-call tests call: results of every shape, and one asynchronous twin. */
public interface Accounts {

    /** Reads a balance: safe to run twice. */
    @Idempotent
    String lookup(String account);

    /** Moves money: must not run twice. */
    String transfer(String account);

    /** A primitive result. */
    int count(String account);

    /** No result. */
    void audit(String event);

    /** The twin of {@link #lookup}, asynchronous in the interface. */
    CompletableFuture<String> lookupAsync(String account);
}
