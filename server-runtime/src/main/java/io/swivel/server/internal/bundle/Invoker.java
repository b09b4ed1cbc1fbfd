package io.swivel.server.internal.bundle;

import io.swivel.api.ExitRefusedException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Calls one service method on one implementation instance through a method handle bound to
 * the instance and spread over an argument array (no {@code Method.invoke} on the hot path).
 */
public final class Invoker {

    private final String methodKey;
    private final Method method;
    private final Class<?>[] parameterTypes;
    private final Type[] genericParameterTypes;
    private final MethodHandle handle;
    private final boolean async;
    private final boolean idempotent;
    private final CallPace pace = new CallPace();

    private Invoker(String methodKey, Method method, MethodHandle handle) {
        this.methodKey = methodKey;
        this.method = method;
        this.parameterTypes = method.getParameterTypes();
        this.genericParameterTypes = method.getGenericParameterTypes();
        this.handle = handle;
        this.async = CompletableFuture.class.isAssignableFrom(method.getReturnType());
        this.idempotent = method.isAnnotationPresent(io.swivel.api.Idempotent.class);
    }

    /** @return how long this method's calls take to run, as the hand-off to the workers needs to know */
    public CallPace pace() {
        return pace;
    }

    /**
     * Whether the service interface marks the method {@code @Idempotent}: it may run twice for
     * one call (a canary's unexpected failure is then run again on the stable version).
     *
     * @return true if it may run again
     */
    public boolean idempotent() {
        return idempotent;
    }

    /**
     * Creates an invoker.
     *
     * @param methodKey the wire key of the method
     * @param interfaceMethod the service interface's method
     * @param instance the implementation
     * @return the invoker
     * @throws IllegalAccessException if the method cannot be accessed
     */
    public static Invoker create(String methodKey, Method interfaceMethod, Object instance) throws IllegalAccessException {
        return create(methodKey, interfaceMethod, instance, refused -> { });
    }

    /**
     * Creates an invoker that tells when the method tried to stop the JVM (the attempt was
     * refused, see {@link ExitRefusedException}); the exception still reaches the caller.
     *
     * @param methodKey the wire key of the method
     * @param interfaceMethod the service interface's method
     * @param instance the implementation
     * @param onExitRefused told of each refused attempt, on the calling thread, before it is answered
     * @return the invoker
     * @throws IllegalAccessException if the method cannot be accessed
     */
    public static Invoker create(String methodKey, Method interfaceMethod, Object instance,
                                 Consumer<ExitRefusedException> onExitRefused) throws IllegalAccessException {
        interfaceMethod.setAccessible(true);
        MethodHandle handle = MethodHandles.lookup().unreflect(interfaceMethod)
                .bindTo(instance)
                .asSpreader(Object[].class, interfaceMethod.getParameterCount())
                .asType(MethodType.methodType(Object.class, Object[].class));
        // (ExitRefusedException, Object[]) -> Object: tell, then rethrow; the handler's
        // try/catch costs nothing on calls that do not throw
        MethodHandle tellAndRethrow = MethodHandles.dropArguments(
                TELL_AND_RETHROW.bindTo(Objects.requireNonNull(onExitRefused, "onExitRefused")), 1, Object[].class);
        handle = MethodHandles.catchException(handle, ExitRefusedException.class, tellAndRethrow);
        return new Invoker(methodKey, interfaceMethod, handle);
    }

    private static final MethodHandle TELL_AND_RETHROW;

    static {
        try {
            TELL_AND_RETHROW = MethodHandles.lookup().findStatic(Invoker.class, "tellAndRethrow",
                    MethodType.methodType(Object.class, Consumer.class, ExitRefusedException.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static Object tellAndRethrow(Consumer<ExitRefusedException> listener, ExitRefusedException refused) {
        try {
            listener.accept(refused);
        } catch (RuntimeException e) {
            refused.addSuppressed(e);
        }
        throw refused;
    }

    /**
     * The wire key.
     *
     * @return the method key
     */
    public String methodKey() {
        return methodKey;
    }

    /**
     * The number of parameters.
     *
     * @return the parameter count
     */
    public int parameterCount() {
        return parameterTypes.length;
    }

    /**
     * The declared parameter types, generic information included: what the arguments are decoded
     * against. The array is shared (resolved once, not copied per call): do not modify it.
     *
     * @return the parameter types
     */
    public Type[] genericParameterTypes() {
        return genericParameterTypes;
    }

    /**
     * Whether the method returns a {@link CompletableFuture}.
     *
     * @return true for asynchronous methods
     */
    public boolean isAsync() {
        return async;
    }

    /**
     * Checks that decoded arguments fit the parameter types, so that a mismatch is the
     * caller's error, not the service's.
     *
     * @param args the arguments
     * @return null if they fit, otherwise what is wrong
     */
    public String checkArguments(Object[] args) {
        if (args.length != parameterTypes.length) {
            return methodKey + " takes " + parameterTypes.length + " arguments, got " + args.length;
        }
        for (int i = 0; i < args.length; i++) {
            Class<?> type = parameterTypes[i];
            if (args[i] == null) {
                if (type.isPrimitive()) {
                    return "argument " + i + " of " + methodKey + " is a " + type + " and cannot be null";
                }
            } else if (!MethodType.methodType(type).wrap().returnType().isInstance(args[i])) {
                return "argument " + i + " of " + methodKey + " must be a " + type.getName() + ", got "
                        + args[i].getClass().getName();
            }
        }
        return null;
    }

    /**
     * Whether an exception is a failure of the service rather than an answer it gives: an
     * unchecked exception or error that the method does not declare. Such failures count
     * against a new version during its probation.
     *
     * @param error what the method threw (or its future completed with)
     * @return true for unexpected failures
     */
    public boolean isUnexpected(Throwable error) {
        if (!(error instanceof RuntimeException) && !(error instanceof Error)) {
            return false;
        }
        for (Class<?> declared : method.getExceptionTypes()) {
            if (declared.isInstance(error)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Calls the method.
     *
     * @param args arguments that passed {@link #checkArguments}
     * @return what the method returned
     * @throws Throwable what the method threw
     */
    public Object invoke(Object[] args) throws Throwable {
        return handle.invokeExact(args);
    }
}
