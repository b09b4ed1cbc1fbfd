package io.swivel.api;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The call a service method is running for: its metadata, deadline, caller and the bundle version
 * serving it, read with {@code CallContext.current()} on the thread that runs the method.
 *
 * <pre>{@code
 * public User getUser(int id) {
 *     String tenant = CallContext.current().metadata("tenant");
 *     ...
 * }
 * }</pre>
 *
 * <p>The runtime makes the context current on the call's own thread for the time the method (and
 * the {@link ServerInterceptor}s around it) runs, on a worker as with {@code Swivel-Dispatch: direct},
 * and removes it before the thread serves anything else. A method that continues on another thread
 * (a {@code CompletableFuture} completed later) captures the context first and, where it calls other
 * Swivel services, runs that code inside {@link #enter()}.
 *
 * <p>Swivel calls made while a context is current carry its {@link #forwardedMetadata()}: that is
 * how a trace continues from one service to the next.
 */
public final class CallContext {

    private static final ThreadLocal<CallContext> CURRENT = new ThreadLocal<>();

    private final String service;
    private final String method;
    private final Map<String, String> metadata;
    private final long deadlineNanos;
    private final InetSocketAddress remoteAddress;
    private final Principal peer;
    private final String bundleName;
    private final String bundleVersion;
    private volatile Map<String, String> forwarded = Map.of();

    private CallContext(Builder builder) {
        this.service = builder.service;
        this.method = builder.method;
        this.metadata = builder.metadata;
        this.deadlineNanos = builder.deadlineNanos;
        this.remoteAddress = builder.remoteAddress;
        this.peer = builder.peer;
        this.bundleName = builder.bundleName;
        this.bundleVersion = builder.bundleVersion;
    }

    /**
     * The context of the call running on this thread.
     *
     * @return the context
     * @throws IllegalStateException if no Swivel call runs on this thread
     */
    public static CallContext current() {
        CallContext context = CURRENT.get();
        if (context == null) {
            throw new IllegalStateException("no Swivel call runs on thread " + Thread.currentThread().getName()
                    + "; CallContext.current() works inside a service method (capture it before going to another thread)");
        }
        return context;
    }

    /**
     * The context of the call running on this thread, if one does.
     *
     * @return the context, or empty outside a call
     */
    public static Optional<CallContext> find() {
        return Optional.ofNullable(CURRENT.get());
    }

    /**
     * Starts describing a call, for the runtime and for tests of service code.
     *
     * @param service the service interface's binary name
     * @param method the method key, as {@code getUser(int)}
     * @return a builder
     */
    public static Builder builder(String service, String method) {
        return new Builder(service, method);
    }

    /**
     * Makes this context current on this thread until the scope is closed, which restores the one
     * current before.
     *
     * <pre>{@code
     * try (CallContext.Scope scope = context.enter()) {
     *     users.getUser(7); // carries the context's forwarded metadata
     * }
     * }</pre>
     *
     * @return the scope to close, on this same thread
     */
    public Scope enter() {
        CallContext previous = CURRENT.get();
        CURRENT.set(this);
        return new Scope(previous);
    }

    /** @return the service interface's binary name */
    public String service() {
        return service;
    }

    /** @return the method key, as {@code getUser(int)} */
    public String method() {
        return method;
    }

    /** @return the method's name, the key up to its parenthesis */
    public String methodName() {
        int paren = method.indexOf('(');
        return paren < 0 ? method : method.substring(0, paren);
    }

    /**
     * One entry of the metadata the caller sent.
     *
     * @param key a lower-case key
     * @return its value, or null if the caller sent none
     */
    public String metadata(String key) {
        return metadata.get(key);
    }

    /** @return every entry of the metadata the caller sent (unmodifiable) */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** @return the time left until the caller's deadline (negative once passed), or empty if it set none */
    public Optional<Duration> timeLeft() {
        return deadlineNanos == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(deadlineNanos - System.nanoTime()));
    }

    /** @return the caller's deadline on the wall clock, or empty if it set none */
    public Optional<Instant> deadline() {
        return timeLeft().map(left -> Instant.now().plus(left));
    }

    /** @return the deadline as a {@link System#nanoTime()} value, or 0 if the caller set none */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    /** @return the caller's address, or empty when the call did not come over the network */
    public Optional<InetSocketAddress> remoteAddress() {
        return Optional.ofNullable(remoteAddress);
    }

    /**
     * The identity the caller proved with its TLS client certificate.
     *
     * @return the certificate's subject, or empty on a connection without TLS or without a client certificate
     */
    public Optional<Principal> peerPrincipal() {
        return Optional.ofNullable(peer);
    }

    /** @return the name of the bundle serving the call */
    public String bundleName() {
        return bundleName;
    }

    /** @return the version of the bundle serving the call */
    public String bundleVersion() {
        return bundleVersion;
    }

    /**
     * The metadata that Swivel calls made while this context is current carry (a client's own entries
     * for a call win over these): a trace's {@code traceparent}, say, or a tenant to pass on.
     *
     * @return the entries (unmodifiable)
     */
    public Map<String, String> forwardedMetadata() {
        return forwarded;
    }

    /**
     * Adds an entry to {@link #forwardedMetadata()}.
     *
     * @param key a lower-case key
     * @param value its value
     */
    public void forward(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        synchronized (this) {
            Map<String, String> next = new HashMap<>(forwarded);
            next.put(key, value);
            forwarded = Collections.unmodifiableMap(next);
        }
    }

    @Override
    public String toString() {
        return "CallContext[" + service + "#" + method + " on " + bundleName + " " + bundleVersion
                + ", metadata " + metadata.keySet() + "]";
    }

    /** Closes what {@link #enter()} opened: the context current before is current again. */
    public static final class Scope implements AutoCloseable {

        private final CallContext previous;
        private boolean closed;

        private Scope(CallContext previous) {
            this.previous = previous;
        }

        /** Restores the previous context (none: the thread-local is removed). Idempotent. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** Describes a call; {@link #build()} makes the context. */
    public static final class Builder {

        private final String service;
        private final String method;
        private Map<String, String> metadata = Map.of();
        private long deadlineNanos;
        private InetSocketAddress remoteAddress;
        private Principal peer;
        private String bundleName = "";
        private String bundleVersion = "";

        private Builder(String service, String method) {
            this.service = Objects.requireNonNull(service, "service");
            this.method = Objects.requireNonNull(method, "method");
        }

        /**
         * The metadata the caller sent.
         *
         * @param metadata the entries, seen through an unmodifiable view (not copied: do not change them)
         * @return this builder
         */
        public Builder metadata(Map<String, String> metadata) {
            this.metadata = Collections.unmodifiableMap(Objects.requireNonNull(metadata, "metadata"));
            return this;
        }

        /**
         * The deadline.
         *
         * @param deadlineNanos a {@link System#nanoTime()} value, or 0 for none
         * @return this builder
         */
        public Builder deadlineNanos(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
            return this;
        }

        /**
         * The caller's address.
         *
         * @param remoteAddress the address, or null
         * @return this builder
         */
        public Builder remoteAddress(InetSocketAddress remoteAddress) {
            this.remoteAddress = remoteAddress;
            return this;
        }

        /**
         * The caller's TLS identity.
         *
         * @param peer the client certificate's subject, or null
         * @return this builder
         */
        public Builder peerPrincipal(Principal peer) {
            this.peer = peer;
            return this;
        }

        /**
         * The bundle version serving the call.
         *
         * @param name the bundle name
         * @param version its version
         * @return this builder
         */
        public Builder bundle(String name, String version) {
            this.bundleName = Objects.requireNonNull(name, "name");
            this.bundleVersion = Objects.requireNonNull(version, "version");
            return this;
        }

        /** @return the context */
        public CallContext build() {
            return new CallContext(this);
        }
    }
}
