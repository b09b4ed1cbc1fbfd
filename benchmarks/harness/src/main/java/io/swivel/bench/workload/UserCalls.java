package io.swivel.bench.workload;

import java.util.concurrent.CompletableFuture;

/**
 * A peer's client for the workload: makes one call of an operation, blocking or not. The
 * argument of each call derives from a sequence number, as dubbo-benchmark's counters do.
 */
public interface UserCalls extends AutoCloseable {

    /**
     * Makes one blocking call.
     *
     * @param op the operation
     * @param seq the call's sequence number (the id, page number or e-mail)
     * @return the peer's answer (its own type: a POJO, a protobuf message, or raw bytes)
     * @throws Exception if the call failed
     */
    Object call(Op op, long seq) throws Exception;

    /**
     * Starts one call without blocking.
     *
     * @param op the operation
     * @param seq the call's sequence number
     * @return the answer, later
     */
    CompletableFuture<?> callAsync(Op op, long seq);

    @Override
    void close();
}
