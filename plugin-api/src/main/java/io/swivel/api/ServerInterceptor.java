package io.swivel.api;

/**
 * Code that runs around the calls of a server: authentication, auditing, rate limits, metrics.
 * It sees the call (service, method, metadata, caller: {@link CallContext}) and its decoded
 * arguments, and either goes on with {@code next.proceed()} (and may time it or wrap what it
 * returns) or refuses the call by throwing a {@link CallRefusedException}.
 *
 * <pre>{@code
 * context.addInterceptor((call, args, next) -> {
 *     if (call.metadata("tenant") == null) {
 *         throw new CallRefusedException(CallRefusedException.Status.BAD_REQUEST, "no tenant in the call's metadata");
 *     }
 *     return next.proceed();
 * });
 * }</pre>
 *
 * <p>An interceptor runs on the call's own thread, with its {@link CallContext} current: a bundle
 * worker, or for a {@code Swivel-Dispatch: direct} bundle the I/O thread that read the call (so it
 * must not block there). For a method that returns a {@code CompletableFuture}, {@code proceed()}
 * returns that future as soon as the method returned it; wrap it to see the outcome. Register one
 * for a bundle's own services with {@link BundleContext#addInterceptor}, or for every call of a
 * server as a {@code java.util.ServiceLoader} provider of this interface on the server's classpath.
 */
@FunctionalInterface
public interface ServerInterceptor {

    /**
     * Runs around one call.
     *
     * @param call the call (also {@link CallContext#current()})
     * @param arguments the decoded arguments, in declaration order (the array the method gets)
     * @param next the rest of the chain: the next interceptor, then the method
     * @return what {@code next.proceed()} returned, or a replacement of the method's return type
     * @throws Exception what the method threw, or a {@link CallRefusedException}
     */
    Object intercept(CallContext call, Object[] arguments, Next next) throws Exception;

    /** The rest of an interceptor chain. */
    @FunctionalInterface
    interface Next {

        /**
         * Runs the next interceptor, or the method after the last one.
         *
         * @return the method's result
         * @throws Exception what the method threw
         */
        Object proceed() throws Exception;
    }
}
