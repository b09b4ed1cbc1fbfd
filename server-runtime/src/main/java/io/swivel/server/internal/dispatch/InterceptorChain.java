package io.swivel.server.internal.dispatch;

import io.swivel.api.CallContext;
import io.swivel.api.ServerInterceptor;
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

    static Object run(List<ServerInterceptor> server, List<ServerInterceptor> bundle, CallContext call, Object[] args,
                      Invoker invoker) throws Exception {
        return new InterceptorChain(server, bundle, call, args, invoker).from(0);
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
