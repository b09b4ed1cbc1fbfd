package io.swivel.client;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One call as a {@link ClientInterceptor} sees it: service, method, arguments, timeout and the
 * metadata it will carry (the client's scopes' and forwarded entries, which an interceptor may
 * add to or replace).
 */
public final class ClientCall {

    private final String service;
    private final String method;
    private final Object[] arguments;
    private final Duration timeout;
    private final boolean async;
    private final Map<String, String> metadata;

    /**
     * Describes a call; the client makes one per call (tests of interceptors may too).
     *
     * @param service the service name
     * @param method the method key
     * @param arguments the arguments
     * @param timeout the call's timeout
     * @param async whether the caller gets a future
     * @param metadata the metadata so far (copied)
     */
    public ClientCall(String service, String method, Object[] arguments, Duration timeout, boolean async,
                      Map<String, String> metadata) {
        this.service = service;
        this.method = method;
        this.arguments = arguments;
        this.timeout = timeout;
        this.async = async;
        this.metadata = new HashMap<>(metadata);
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

    /** @return the arguments, in declaration order (the proxy's array: do not change it) */
    public Object[] arguments() {
        return arguments;
    }

    /** @return the time the call may take from when it is sent */
    public Duration timeout() {
        return timeout;
    }

    /** @return true if the caller gets a future (the method returns one), false if it blocks */
    public boolean isAsync() {
        return async;
    }

    /** @return the metadata the call will carry (unmodifiable view) */
    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    /**
     * Adds or replaces one metadata entry of this call.
     *
     * @param key a key of {@code a-z 0-9 . _ -}
     * @param value its value
     * @return this call
     */
    public ClientCall putMetadata(String key, String value) {
        String bad = io.swivel.protocol.CallMetadata.checkKey(key);
        if (bad != null) {
            throw new IllegalArgumentException(bad);
        }
        metadata.put(key, Objects.requireNonNull(value, "value"));
        return this;
    }

    @Override
    public String toString() {
        return "ClientCall[" + service + "#" + method + ", metadata " + metadata.keySet() + "]";
    }
}
