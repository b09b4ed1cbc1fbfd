package io.swivel.client;

import java.util.concurrent.CompletableFuture;

/**
 * Code that runs around every call a client makes: adding metadata (an auth token, a tenant),
 * timing, logging, refusing. Installed with {@link SwivelClientBuilder#intercept}; the first
 * installed runs outermost.
 *
 * <pre>{@code
 * SwivelClient client = SwivelClient.builder().address("127.0.0.1", 7700)
 *         .intercept((call, next) -> {
 *             call.putMetadata("tenant", "acme");
 *             long start = System.nanoTime();
 *             return next.proceed().whenComplete((result, error) ->
 *                     log.info("{} took {} µs", call.method(), (System.nanoTime() - start) / 1000));
 *         })
 *         .build();
 * }</pre>
 *
 * <p>The same chain serves blocking and asynchronous calls: {@code proceed()} sends the call and
 * returns at once a future of its decoded result (or of its failure, a {@link SwivelException}
 * or {@link RemoteServiceException}). It runs on the calling thread, and so do the callbacks an
 * interceptor attaches, for a blocking call (the caller's thread runs them while it waits, never
 * a network thread); for an asynchronous call they run on the client's callback executor. To
 * refuse a call, throw a {@link SwivelException} or return a failed future without proceeding.
 *
 * <p>Compose on {@code proceed()}'s future ({@code whenComplete}, {@code thenApply}); never wait on
 * it ({@code join()}, {@code get()}) inside {@code intercept}. For a blocking call the caller's
 * thread completes that future only after {@code intercept} has returned, so waiting on it there
 * could never end: {@code join()} and {@code get()} on it (or on a future derived from it) on that
 * thread throw an {@link IllegalStateException} that says so, and the call fails with it.
 */
@FunctionalInterface
public interface ClientInterceptor {

    /**
     * Runs around one call.
     *
     * @param call the call: service, method, arguments and the metadata it will carry
     * @param next the rest of the chain: the next interceptor, then the network
     * @return the future of the call's result: {@code next.proceed()}'s, or one derived from it
     */
    CompletableFuture<Object> intercept(ClientCall call, Next next);

    /** The rest of a client interceptor chain. */
    @FunctionalInterface
    interface Next {

        /**
         * Runs the next interceptor, or sends the call after the last one.
         *
         * @return the future of the decoded result
         */
        CompletableFuture<Object> proceed();
    }
}
