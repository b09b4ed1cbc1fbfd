package io.swivel.client;

import java.io.Closeable;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A connection to Swivel servers that hands out typed proxies of service interfaces.
 *
 * <pre>{@code
 * try (SwivelClient client = SwivelClient.builder().address("127.0.0.1", 7700).build()) {
 *     Greeter greeter = client.proxy(Greeter.class);
 *     String hello = greeter.greet("Ada");                       // blocks, deadline 5 s
 *     CompletableFuture<String> later = client.async(() -> greeter.greet("Ada")); // asynchronous end to end
 * }
 * }</pre>
 *
 * <p>Servers are given by address, or found in ZooKeeper
 * ({@code SwivelClient.builder().zookeeper("127.0.0.1:2181")}), where each proxy balances its
 * calls over the servers of its service and fails over between them.
 *
 * <p>Many calls from many threads share one multiplexed connection per server. A method that
 * returns {@link java.util.concurrent.CompletableFuture} never blocks the caller, nor does any
 * method called through {@link #async(Supplier)}; any other call blocks until the answer or the
 * deadline. Failures are {@link SwivelException}s; an
 * exception thrown by the service arrives as a {@link RemoteServiceException}.
 */
public interface SwivelClient extends Closeable {

    /**
     * Starts building a client.
     *
     * @return a new builder
     */
    static SwivelClientBuilder builder() {
        return new SwivelClientBuilder();
    }

    /**
     * Returns a proxy that calls the service named by the interface's binary name. Proxies
     * are cached: the same interface gives the same proxy.
     *
     * @param serviceInterface the service interface
     * @param <T> the interface type
     * @return the proxy
     */
    <T> T proxy(Class<T> serviceInterface);

    /**
     * Returns a proxy with its own load balancer or version constraint. Proxies are cached
     * per interface and options.
     *
     * @param serviceInterface the service interface
     * @param options the balancer and versions for this proxy
     * @param <T> the interface type
     * @return the proxy
     */
    <T> T proxy(Class<T> serviceInterface, ProxyOptions options);

    /**
     * Makes one call of any service method asynchronously, without a {@code CompletableFuture}
     * twin in the interface: the lambda makes exactly one call on a Swivel proxy and
     * returns its result as it is; the call is sent at once and this method returns without
     * waiting.
     *
     * <pre>{@code
     * CompletableFuture<User> user = client.async(() -> users.getUser(7));
     * user.thenAccept(u -> log.info("got {}", u.name()));
     * }</pre>
     *
     * <p>The call has the deadline in force on this thread ({@link #withTimeout}), and is routed,
     * balanced and retried exactly as a blocking call. The future completes on the client's
     * callback executor, with the result or with the exception the blocking call would throw
     * ({@link RemoteServiceException}, {@link SwivelException} with its status). No thread waits
     * for the answer. Inside the lambda the proxy returns a placeholder ({@code null}, zero or
     * false) and sends nothing; a lambda that makes no proxy call, two, or uses the placeholder
     * is refused with an {@link IllegalArgumentException} before anything is sent.
     *
     * @param call one proxy call, for example {@code () -> users.getUser(7)}
     * @param <T> the method's result type (boxed for a primitive)
     * @return the answer, later
     */
    <T> CompletableFuture<T> async(Supplier<T> call);

    /**
     * {@link #async(Supplier)} for a method whose result is not wanted (a {@code void} method):
     * {@code client.async(() -> { audit.record(event); })}.
     *
     * @param call one proxy call
     * @return completes with {@code null} when the call has run, or with its failure
     */
    CompletableFuture<Void> async(Runnable call);

    /**
     * Runs calls made by the current thread inside the returned scope with a different
     * timeout than the client's default. Close the scope to return to the default.
     *
     * <pre>{@code
     * try (CallScope scope = SwivelClient.withTimeout(Duration.ofMillis(200))) {
     *     greeter.greet("Ada");
     * }
     * }</pre>
     *
     * @param timeout the time each call may take, from when it is sent
     * @return the scope
     */
    static CallScope withTimeout(Duration timeout) {
        return CallScope.open(timeout);
    }

    /**
     * Adds metadata to the calls made by the current thread inside the returned scope. Close the
     * scope to remove it.
     *
     * <pre>{@code
     * try (MetadataScope scope = SwivelClient.withMetadata("tenant", "acme")) {
     *     users.getUser(7); // the service reads CallContext.current().metadata("tenant")
     * }
     * }</pre>
     *
     * @param key a key of {@code a-z 0-9 . _ -}
     * @param value its value
     * @return the scope
     */
    static MetadataScope withMetadata(String key, String value) {
        return MetadataScope.open(java.util.Map.of(key, value));
    }

    /**
     * Adds several entries of metadata to the calls made by the current thread inside the scope.
     *
     * @param entries keys of {@code a-z 0-9 . _ -} and their values
     * @return the scope
     */
    static MetadataScope withMetadata(java.util.Map<String, String> entries) {
        return MetadataScope.open(entries);
    }

    /** Closes connections and threads; calls still waiting fail. Idempotent. */
    @Override
    void close();
}
