package io.swivel.client.internal;

import io.swivel.api.Idempotent;
import io.swivel.client.CallScope;
import io.swivel.client.RemoteServiceException;
import io.swivel.client.SwivelException;
import io.swivel.client.balance.LoadBalancer;
import io.swivel.protocol.MethodKeys;
import io.swivel.protocol.RemoteError;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.kryo.DecodeBudget;
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

    ServiceInvoker(DefaultSwivelClient client, Class<?> serviceInterface, int maxFrameLength, LoadBalancer balancer,
                   String versionConstraint) {
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
                TypeAllowlist.forServices(List.of(serviceInterface)), maxFrameLength);
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
        long timeoutMillis = timeoutMillis();
        CompletableFuture<ResponseFrame> answer = send(info, args, timeoutMillis);
        if (info.async) {
            return completeLater(answer, info);
        }
        return decode(await(answer, info, timeoutMillis), info);
    }

    /**
     * Makes a call of a method that is not asynchronous in the interface without blocking, for
     * {@link AsyncCalls}: the same request, deadline, routing and decoding as a blocking call,
     * and the future fails with the exception the blocking call would throw.
     */
    CompletableFuture<Object> invokeAsync(Method method, Object[] args) {
        MethodInfo info = methods.get(method);
        CompletableFuture<ResponseFrame> answer;
        try {
            answer = send(info, args, timeoutMillis());
        } catch (SwivelException e) {
            return CompletableFuture.failedFuture(e);
        }
        return completeLater(answer, info);
    }

    /**
     * The result of an asynchronous call. The answer completes on an I/O thread (or here, if it
     * failed at once); decoding and the caller's callbacks run on the callback executor, never on
     * the event loop, whether the call succeeded or failed.
     */
    private CompletableFuture<Object> completeLater(CompletableFuture<ResponseFrame> answer, MethodInfo info) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        answer.whenComplete((response, error) -> {
            try {
                client.callbackExecutor().execute(() -> complete(result, response, error, info));
            } catch (RejectedExecutionException e) {
                result.completeExceptionally(new SwivelException(null, service + "#" + info.key
                        + ": the callback executor refused the answer (client closed?)", e));
            }
        });
        return result;
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

    private long timeoutMillis() {
        Duration scoped = CallScope.current();
        return Math.max(1, (scoped != null ? scoped : client.defaultTimeout()).toMillis());
    }

    private CompletableFuture<ResponseFrame> send(MethodInfo info, Object[] args, long timeoutMillis) {
        byte[] body;
        try {
            body = serialization.encode(args != null ? args : NO_ARGS);
        } catch (SerializationException e) {
            throw new SwivelException(null, service + "#" + info.key + ": " + e.getMessage(), e);
        }
        return client.send(new CallRouter.Call(service, info.key, versionConstraint,
                timeoutMillis, body, args != null && args.length > 0 ? args[0] : null, info.idempotent, balancer));
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
