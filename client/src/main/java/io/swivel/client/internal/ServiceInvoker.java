package io.swivel.client.internal;

import io.swivel.api.CallContext;
import io.swivel.api.Idempotent;
import io.swivel.client.CallScope;
import io.swivel.client.ClientCall;
import io.swivel.client.MetadataScope;
import io.swivel.client.RemoteServiceException;
import io.swivel.client.SwivelException;
import io.swivel.client.balance.LoadBalancer;
import io.swivel.protocol.CallMetadata;
import io.swivel.protocol.MethodKeys;
import io.swivel.protocol.RemoteError;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import io.swivel.protocol.kryo.DecodeBudget;
import io.swivel.protocol.kryo.BodyForm;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.SerializationException;
import io.swivel.protocol.kryo.TypeAllowlist;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Turns calls on a proxy into requests: encodes the arguments, sends them with the deadline
 * through the client's router (this proxy's balancer and version constraint), and decodes the
 * answer into a result or an exception.
 */
final class ServiceInvoker implements InvocationHandler {

    private static final Object[] NO_ARGS = new Object[0];

    private final DefaultSwivelClient client;
    private final String service;
    private final SerializationContext serialization;
    private final Map<Method, MethodInfo> methods = new HashMap<>();
    private final LoadBalancer balancer;
    private final String versionConstraint;

    ServiceInvoker(DefaultSwivelClient client, Class<?> serviceInterface, int maxFrameLength, BodyForm bodyForm,
                   LoadBalancer balancer, String versionConstraint) {
        this.balancer = balancer;
        this.versionConstraint = versionConstraint;
        if (!serviceInterface.isInterface()) {
            throw new IllegalArgumentException(serviceInterface.getName() + " is not an interface");
        }
        this.client = client;
        this.service = serviceInterface.getName();
        ClassLoader loader = serviceInterface.getClassLoader() != null
                ? serviceInterface.getClassLoader() : ClassLoader.getSystemClassLoader();
        this.serialization = SerializationContext.create(loader,
                TypeAllowlist.forServices(List.of(serviceInterface)), maxFrameLength, bodyForm);
        for (Method method : serviceInterface.getMethods()) {
            if (Modifier.isAbstract(method.getModifiers())) {
                methods.put(method, new MethodInfo(MethodKeys.of(method), method.getGenericReturnType(),
                        CompletableFuture.class.isAssignableFrom(method.getReturnType()),
                        method.isAnnotationPresent(Idempotent.class)));
            }
        }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        MethodInfo info = methods.get(method);
        if (info == null) {
            return invokeObjectMethod(proxy, method, args);
        }
        if (AsyncCalls.capturing()) {
            return AsyncCalls.capture(this, method, args, info.async);
        }
        return call(info, info.async, args);
    }

    /**
     * Makes a call of a method that is not asynchronous in the interface without blocking, for
     * {@link AsyncCalls}: the same request, deadline, metadata, interceptors, routing and decoding as
     * a blocking call, and the future fails with the exception the blocking call would throw.
     */
    @SuppressWarnings("unchecked")
    CompletableFuture<Object> invokeAsync(Method method, Object[] args) {
        try {
            return (CompletableFuture<Object>) call(methods.get(method), true, args);
        } catch (SwivelException e) {
            return CompletableFuture.failedFuture(e);
        } catch (Throwable e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** One call: through the interceptors if the client has any, else straight to the router. */
    private Object call(MethodInfo info, boolean async, Object[] args) throws Throwable {
        Duration scoped = CallScope.current();
        Duration timeout = scoped != null ? scoped : client.defaultTimeout();
        long timeoutMillis = Math.max(1, timeout.toMillis());
        Map<String, String> metadata = outgoingMetadata();
        if (!client.interceptors().isEmpty()) {
            return intercepted(info, async, args != null ? args : NO_ARGS, timeout, timeoutMillis, metadata);
        }
        checkMetadata(metadata, info);
        CompletableFuture<ResponseFrame> answer = send(info, args, timeoutMillis, metadata);
        if (async) {
            return completeLater(answer, info);
        }
        return decode(await(answer, info, timeoutMillis), info);
    }

    /**
     * The result of an asynchronous call. The answer completes on an I/O thread (or here, if it
     * failed at once); decoding and the caller's callbacks run on the callback executor, through
     * the client's {@link CompletionLane}, never on the event loop, whether the call succeeded or failed.
     */
    private CompletableFuture<Object> completeLater(CompletableFuture<ResponseFrame> answer, MethodInfo info) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        answer.whenComplete((response, error) -> client.completionLane().execute(new AsyncAnswer(result, response, error, info)));
        return result;
    }

    /** One asynchronous call's answer, decoded and completed on the client's {@link CompletionLane}. */
    private final class AsyncAnswer implements CompletionLane.Completion {

        private final CompletableFuture<Object> result;
        private final ResponseFrame response;
        private final Throwable error;
        private final MethodInfo info;

        AsyncAnswer(CompletableFuture<Object> result, ResponseFrame response, Throwable error, MethodInfo info) {
            this.result = result;
            this.response = response;
            this.error = error;
            this.info = info;
        }

        @Override
        public void run() {
            complete(result, response, error, info);
        }

        @Override
        public void refused(RejectedExecutionException cause) {
            result.completeExceptionally(new SwivelException(null, service + "#" + info.key
                    + ": the callback executor refused the answer (client closed?)", cause));
        }
    }

    private void complete(CompletableFuture<Object> result, ResponseFrame response, Throwable error, MethodInfo info) {
        if (error != null) {
            result.completeExceptionally(failure(error, info));
            return;
        }
        try {
            result.complete(decode(response, info));
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    private CompletableFuture<ResponseFrame> send(MethodInfo info, Object[] args, long timeoutMillis,
                                                  Map<String, String> metadata) {
        byte[] body;
        try {
            body = serialization.encode(args != null ? args : NO_ARGS);
        } catch (SerializationException e) {
            throw new SwivelException(null, service + "#" + info.key + ": " + e.getMessage(), e);
        }
        return client.send(new CallRouter.Call(service, info.key, versionConstraint, timeoutMillis, metadata, body,
                args != null && args.length > 0 ? args[0] : null, info.idempotent, balancer));
    }

    /**
     * The metadata a call carries before interceptors: what the current {@link CallContext} forwards
     * (inside a service method), overridden by the thread's {@link MetadataScope}.
     */
    private static Map<String, String> outgoingMetadata() {
        Map<String, String> scoped = MetadataScope.current();
        CallContext context = CallContext.find().orElse(null);
        Map<String, String> forwarded = context != null ? context.forwardedMetadata() : Map.of();
        if (forwarded.isEmpty()) {
            return scoped != null ? scoped : Map.of();
        }
        if (scoped == null) {
            return forwarded;
        }
        Map<String, String> merged = new HashMap<>(forwarded);
        merged.putAll(scoped);
        return merged;
    }

    private void checkMetadata(Map<String, String> metadata, MethodInfo info) {
        if (!metadata.isEmpty()) {
            String bad = CallMetadata.Limits.DEFAULTS.check(metadata);
            if (bad != null) {
                throw new SwivelException(Status.BAD_REQUEST, service + "#" + info.key + " not sent: " + bad, null);
            }
        }
    }

    /**
     * A call through the client's interceptors. The future the chain ends in completes on the client's
     * callback executor for an asynchronous call (returned as it is), and on this thread for a
     * blocking one (its result returned, or its exception thrown).
     */
    private Object intercepted(MethodInfo info, boolean async, Object[] args, Duration timeout, long timeoutMillis,
                               Map<String, String> metadata) throws Throwable {
        ClientCall call = new ClientCall(service, info.key, args, timeout, async, metadata);
        ThreadlessExecutor threadless = async ? null : new ThreadlessExecutor();
        Executor completion = async ? client.callbackExecutor() : threadless;
        Thread caller = Thread.currentThread();
        CompletableFuture<Object> result = ClientChain.run(client.interceptors(), call, () -> {
            Map<String, String> sent = Map.copyOf(call.metadata());
            checkMetadata(sent, info);
            CompletableFuture<Object> decoded = send(info, args, timeoutMillis, sent).handleAsync((response, error) -> {
                if (error != null) {
                    throw error instanceof CompletionException c ? c : new CompletionException(error);
                }
                return decode(response, info);
            }, completion);
            if (async) {
                return decoded;
            }
            // this thread completes it once the interceptors returned: waiting on it here is refused, not a hang
            CompletableFuture<Object> guarded = new CallerCompletedFuture<>(caller);
            decoded.whenComplete((value, error) -> {
                if (error != null) {
                    guarded.completeExceptionally(error);
                } else {
                    guarded.complete(value);
                }
            });
            return guarded;
        });
        if (async) {
            return result;
        }
        try {
            threadless.runUntilDone(result, timeoutMillis + 1000);
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.cancel(false);
            throw new SwivelException(null, service + "#" + info.key + " interrupted while waiting for the answer", e);
        } catch (TimeoutException e) {
            throw new SwivelException(null, service + "#" + info.key + " got no answer within " + timeoutMillis + " ms", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
            if (cause instanceof RemoteServiceException remote) {
                throw remote;
            }
            if (cause instanceof SwivelException swivel) {
                throw new SwivelException(swivel.status(), swivel.getMessage(), swivel);
            }
            throw cause;
        }
    }

    private ResponseFrame await(CompletableFuture<ResponseFrame> answer, MethodInfo info, long timeoutMillis) {
        try {
            // The connection fails the call at its deadline; the margin only guards against a lost timer.
            return answer.get(timeoutMillis + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.cancel(false);
            throw new SwivelException(null, service + "#" + info.key + " interrupted while waiting for the answer", e);
        } catch (ExecutionException e) {
            throw failure(e.getCause(), info);
        } catch (TimeoutException e) {
            throw new SwivelException(null, service + "#" + info.key + " got no answer within " + timeoutMillis + " ms", e);
        }
    }

    /** What a blocking call throws when its answer failed with {@code cause}. */
    private SwivelException failure(Throwable cause, MethodInfo info) {
        if (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof SwivelException swivel) {
            return new SwivelException(swivel.status(), swivel.getMessage(), swivel);
        }
        return new SwivelException(null, service + "#" + info.key + " failed: " + cause, cause);
    }

    private Object decode(ResponseFrame response, MethodInfo info) {
        switch (response.status()) {
            case OK:
                try {
                    // A result is decoded against the method's declared return type, under the same
                    // budget a server gives a request body: a hostile server cannot blow up the client.
                    return serialization.decodeResult(response.body(), info.returnType, DecodeBudget.defaults());
                } catch (SerializationException e) {
                    throw new SwivelException(null, "cannot decode the result of " + service + "#" + info.key
                            + ": " + e.getMessage(), e);
                }
            case APP_ERROR:
                RemoteError error = RemoteError.decode(response.body());
                throw new RemoteServiceException(service, info.key, error.type(), error.message(), error.remoteStack());
            default:
                throw new SwivelException(response.status(), service + "#" + info.key + ": "
                        + response.status() + ": " + response.bodyAsMessage(), null);
        }
    }

    private Object invokeObjectMethod(Object proxy, Method method, Object[] args) {
        switch (method.getName()) {
            case "toString":
                return "SwivelProxy[" + service + "]";
            case "hashCode":
                return System.identityHashCode(proxy);
            case "equals":
                return args != null && args.length == 1 && proxy == args[0];
            default:
                throw new UnsupportedOperationException(method.toString());
        }
    }

    private record MethodInfo(String key, java.lang.reflect.Type returnType, boolean async, boolean idempotent) {
    }
}
