package io.swivel.client.bounds;

import java.util.concurrent.CompletableFuture;

/** The service the client-bounds test calls: a large argument, answered asynchronously. */
public interface Upload {

    /** Stores a chunk. */
    CompletableFuture<String> put(byte[] chunk);
}
