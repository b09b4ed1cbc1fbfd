package io.swivel.server.internal.dispatch;

import io.swivel.api.CallContext;
import io.swivel.api.ServerInterceptor;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.Invoker;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.List;

/**
 * Runs one call through the server's interceptors, then the bundle's, then the method: each
 * interceptor gets a {@link ServerInterceptor.Next} for the rest of the chain from its own place,
 * so one that proceeds twice (a retry) runs the rest twice.
 */
final class InterceptorChain {

    private final List<ServerInterceptor> server;
    private final List<ServerInterceptor> bundle;
    private final CallContext call;
    private final Object[] args;
    private final Invoker invoker;

    private InterceptorChain(List<ServerInterceptor> server, List<ServerInterceptor> bundle, CallContext call,
                             Object[] args, Invoker invoker) {
        this.server = server;
        this.bundle = bundle;
        this.call = call;
        this.args = args;
        this.invoker = invoker;
    }

    /**
     * Loads and initialises the classes of a call's context now, so that the first call of a
     * {@code Swivel-Dispatch: direct} bundle does not load them on an I/O thread.
     */
    static void warmUp() {
        try (CallContext.Scope scope = CallContext.builder("", "").build().enter()) {
            CallContext.find();
        }
    }

    /**
     * Calls the method with the call's {@link CallContext} current on this thread (removed before
     * returning), through the server's and the generation's interceptors when there are any.
     */
    static Object invoke(List<ServerInterceptor> server, BundleGeneration generation, Invoker invoker, Object[] args,
                         long deadlineNanos, String service, CallSink sink) throws Throwable {
        CallContext call = CallContext.builder(service, invoker.methodKey())
                .metadata(sink.metadata())
                .deadlineNanos(deadlineNanos)
                .remoteAddress(sink.remoteAddress())
                .peerPrincipal(sink.peerPrincipal())
                .bundle(generation.name(), generation.version())
                .build();
        List<ServerInterceptor> own = generation.context().interceptors();
        try (CallContext.Scope scope = call.enter()) {
            if (server.isEmpty() && own.isEmpty()) {
                return invoker.invoke(args);
            }
            return new InterceptorChain(server, own, call, args, invoker).from(0);
        }
    }

    private Object from(int index) throws Exception {
        if (index < server.size()) {
            return server.get(index).intercept(call, args, () -> from(index + 1));
        }
        int own = index - server.size();
        if (own < bundle.size()) {
            return bundle.get(own).intercept(call, args, () -> from(index + 1));
        }
        try {
            return invoker.invoke(args);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable other) {
            throw new UndeclaredThrowableException(other, call.method() + " threw " + other);
        }
    }
}
