package io.swivel.client.internal;

import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Modifier;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.InvocationHandlerAdapter;
import net.bytebuddy.matcher.ElementMatchers;

/** Generates proxy classes of service interfaces with Byte Buddy. */
final class ProxyFactory {

    private final ByteBuddy byteBuddy = new ByteBuddy();

    <T> T create(Class<T> serviceInterface, InvocationHandler handler) {
        ClassLoadingStrategy<ClassLoader> strategy;
        if (Modifier.isPublic(serviceInterface.getModifiers())) {
            strategy = ClassLoadingStrategy.Default.WRAPPER;
        } else {
            try {
                strategy = ClassLoadingStrategy.UsingLookup.of(
                        MethodHandles.privateLookupIn(serviceInterface, MethodHandles.lookup()));
            } catch (IllegalAccessException e) {
                throw new IllegalArgumentException("cannot proxy non-public " + serviceInterface.getName()
                        + "; make the interface public", e);
            }
        }
        Class<? extends T> type = byteBuddy
                .subclass(Object.class)
                .implement(serviceInterface)
                .method(ElementMatchers.isAbstract()
                        .or(ElementMatchers.named("toString").and(ElementMatchers.takesNoArguments())))
                .intercept(InvocationHandlerAdapter.of(handler))
                .make()
                .load(serviceInterface.getClassLoader(), strategy)
                .getLoaded()
                .asSubclass(serviceInterface);
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate the proxy of " + serviceInterface.getName(), e);
        }
    }
}
