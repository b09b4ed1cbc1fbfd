package io.swivel.client.internal;

import io.swivel.client.ClientCall;
import io.swivel.client.ClientInterceptor;
import io.swivel.client.SwivelException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one call through the client's interceptors, then the network: each interceptor gets a
 * {@link ClientInterceptor.Next} for the rest of the chain from its own place. An interceptor that
 * throws fails the call's future instead of the caller's thread, as a refusal.
 */
final class ClientChain {

    private ClientChain() {
    }

    static CompletableFuture<Object> run(List<ClientInterceptor> interceptors, ClientCall call, ClientInterceptor.Next send) {
        return from(interceptors, 0, call, send);
    }

    private static CompletableFuture<Object> from(List<ClientInterceptor> interceptors, int index, ClientCall call,
                                                  ClientInterceptor.Next send) {
        try {
            if (index == interceptors.size()) {
                return send.proceed();
            }
            ClientInterceptor interceptor = interceptors.get(index);
            CompletableFuture<Object> result = interceptor.intercept(call, () -> from(interceptors, index + 1, call, send));
            if (result == null) {
                return CompletableFuture.failedFuture(new SwivelException(null, "client interceptor " + interceptor
                        + " returned no future for " + call.service() + "#" + call.method(), null));
            }
            return result;
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
