package io.swivel.client.internal;

import java.lang.reflect.Method;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@code client.async(() -> users.getUser(7))}: runs the lambda on the caller's thread with a
 * capture open, so that the one proxy call inside it is recorded instead of made (the proxy
 * returns a placeholder: {@code null}, zero or false); once the lambda has returned, that call is
 * made asynchronously ({@link ServiceInvoker#invokeAsync}), with the deadline in force on this
 * thread. A lambda that makes no proxy call, more than one, calls an already asynchronous
 * method, or does something with the placeholder is refused before anything is sent.
 */
final class AsyncCalls {

    private static final ThreadLocal<Capture> CAPTURE = new ThreadLocal<>();

    private static final String SHAPE = "; give client.async exactly one call on a Swivel proxy, "
            + "returned as it is: client.async(() -> users.getUser(7))";

    private AsyncCalls() {
    }

    /** The one call a lambda made, or what went wrong. */
    private static final class Capture {
        ServiceInvoker invoker;
        Method method;
        Object[] args;
        Object placeholder;
        int calls;
        String misuse;
    }

    /** @return true while a lambda given to {@code client.async} runs on this thread */
    static boolean capturing() {
        return CAPTURE.get() != null;
    }

    /**
     * Records a proxy call made inside {@code client.async} instead of making it.
     *
     * @return the placeholder the proxy returns to the lambda
     */
    static Object capture(ServiceInvoker invoker, Method method, Object[] args, boolean alreadyAsync) {
        Capture capture = CAPTURE.get();
        capture.calls++;
        if (capture.calls == 1) {
            capture.invoker = invoker;
            capture.method = method;
            capture.args = args != null ? args.clone() : null;
            capture.placeholder = placeholder(method.getReturnType());
            if (alreadyAsync) {
                capture.misuse = method.getDeclaringClass().getName() + "#" + method.getName()
                        + " already returns a CompletableFuture: call it directly, not inside client.async";
            }
        } else if (capture.misuse == null) {
            capture.misuse = "the lambda called " + capture.method.getName() + " and then " + method.getName();
        }
        return placeholder(method.getReturnType());
    }

    /**
     * Runs {@code call} under a capture and makes its one proxy call asynchronously.
     *
     * @param call the lambda
     * @param checkResult whether the lambda's value must be the proxy's placeholder (false for a
     *                    {@code Runnable}, whose value is none)
     * @return the answer, later
     */
    @SuppressWarnings("unchecked")
    static <T> CompletableFuture<T> call(Supplier<T> call, boolean checkResult) {
        Objects.requireNonNull(call, "call");
        if (CAPTURE.get() != null) {
            throw new IllegalStateException("client.async was called inside the lambda of another client.async" + SHAPE);
        }
        Capture capture = new Capture();
        CAPTURE.set(capture);
        T returned;
        try {
            returned = call.get();
        } catch (RuntimeException | Error e) {
            if (capture.calls == 0) {
                throw e; // the lambda failed before any call (computing an argument): the caller's own error
            }
            throw new IllegalArgumentException("the lambda given to client.async threw after its proxy call "
                    + capture.method.getName() + " returned a placeholder (null, 0 or false): " + e + SHAPE, e);
        } finally {
            CAPTURE.remove();
        }
        if (capture.calls == 0) {
            throw new IllegalArgumentException("the lambda given to client.async made no call on a Swivel proxy" + SHAPE);
        }
        if (capture.misuse != null) {
            throw new IllegalArgumentException(capture.misuse + SHAPE);
        }
        if (checkResult && !Objects.equals(returned, capture.placeholder)) {
            throw new IllegalArgumentException("the lambda given to client.async returned " + returned + ", not the result "
                    + "of its proxy call " + capture.method.getName() + SHAPE + "; transform the result with thenApply");
        }
        return (CompletableFuture<T>) capture.invoker.invokeAsync(capture.method, capture.args);
    }

    private static Object placeholder(Class<?> type) {
        if (!type.isPrimitive() || type == void.class) {
            return null;
        }
        if (type == boolean.class) {
            return Boolean.FALSE;
        }
        if (type == char.class) {
            return (char) 0;
        }
        if (type == byte.class) {
            return (byte) 0;
        }
        if (type == short.class) {
            return (short) 0;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        return type == float.class ? (Object) 0f : (Object) 0d;
    }
}
