package io.swivel.server.internal.deploy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans one lifecycle event out to several listeners; what one listener throws is logged and the others still hear. */
final class Listeners {

    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private Listeners() {
    }

    static LifecycleListener of(List<LifecycleListener> listeners) {
        List<LifecycleListener> all = List.copyOf(listeners);
        return (LifecycleListener) Proxy.newProxyInstance(LifecycleListener.class.getClassLoader(),
                new Class<?>[] {LifecycleListener.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return objectMethod(proxy, method, args, all);
                    }
                    for (LifecycleListener listener : all) {
                        try {
                            method.invoke(listener, args);
                        } catch (InvocationTargetException e) {
                            log.warn("lifecycle listener {} failed on {}", listener.getClass().getSimpleName(),
                                    method.getName(), e.getCause());
                        }
                    }
                    return null;
                });
    }

    private static Object objectMethod(Object proxy, Method method, Object[] args, List<LifecycleListener> all) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "Listeners" + all;
        };
    }
}
