package io.swivel.server.internal.deploy;

import io.swivel.api.BundleActivator;
import io.swivel.api.ExitRefusedException;
import io.swivel.api.RpcService;
import io.swivel.protocol.MethodKeys;
import io.swivel.server.internal.bundle.Invoker;
import io.swivel.server.internal.bundle.ManagedBundleContext;
import io.swivel.server.internal.bundle.ServiceBinding;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Creates what a bundle version serves with: an instance of each {@link RpcService} class with
 * an invoker per method of its service interfaces, and its activator. Run as start-up steps of
 * {@link BundleLoader}, on the version's start-up thread.
 */
final class BundleServices {

    private BundleServices() {
    }

    static Map<String, ServiceBinding> instantiate(String id, ClassLoader loader, List<String> candidates,
                                                  ManagedBundleContext context,
                                                  Consumer<ExitRefusedException> onExit) throws Exception {
        Map<String, ServiceBinding> services = new LinkedHashMap<>();
        for (String className : candidates) {
            Class<?> type = Class.forName(className, false, loader);
            RpcService annotation = type.getAnnotation(RpcService.class);
            if (annotation == null || type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
                continue;
            }
            List<Class<?>> interfaces = annotation.value().length > 0
                    ? Arrays.asList(annotation.value()) : Arrays.asList(type.getInterfaces());
            if (interfaces.isEmpty()) {
                throw new DeploymentException(DeploymentException.Failure.BAD_SERVICE, id + ": " + className + " is @RpcService but implements no interface; "
                        + "name the service interface in @RpcService(...)", null);
            }
            Object instance = newInstance(type, context);
            for (Class<?> serviceInterface : interfaces) {
                if (!serviceInterface.isInterface() || !serviceInterface.isInstance(instance)) {
                    throw new DeploymentException(DeploymentException.Failure.BAD_SERVICE, id + ": " + className + " does not implement the interface "
                            + serviceInterface.getName() + " named in @RpcService", null);
                }
                if (services.containsKey(serviceInterface.getName())) {
                    throw new DeploymentException(DeploymentException.Failure.BAD_SERVICE, id + ": service " + serviceInterface.getName()
                            + " is implemented twice, by " + services.get(serviceInterface.getName()).instance().getClass().getName()
                            + " and " + className, null);
                }
                Map<String, Invoker> invokers = new HashMap<>();
                for (Method method : serviceInterface.getMethods()) {
                    if (Modifier.isStatic(method.getModifiers())) {
                        continue;
                    }
                    String key = MethodKeys.of(method);
                    invokers.put(key, Invoker.create(key, method, instance, onExit));
                }
                services.put(serviceInterface.getName(), new ServiceBinding(serviceInterface, instance, invokers));
            }
        }
        return services;
    }

    private static Object newInstance(Class<?> type, ManagedBundleContext context) throws Exception {
        try {
            Constructor<?> withContext = type.getConstructor(io.swivel.api.BundleContext.class);
            return withContext.newInstance(context);
        } catch (NoSuchMethodException noContextConstructor) {
            try {
                return type.getConstructor().newInstance();
            } catch (NoSuchMethodException e) {
                throw new DeploymentException(DeploymentException.Failure.BAD_SERVICE, type.getName() + " needs a public no-argument constructor "
                        + "or a public constructor taking a BundleContext", e);
            }
        }
    }

    static BundleActivator createActivator(String id, ClassLoader loader, String named, List<String> candidates)
            throws Exception {
        List<Class<?>> found = new ArrayList<>();
        if (named != null) {
            found.add(Class.forName(named, false, loader));
        } else {
            for (String className : candidates) {
                Class<?> type = Class.forName(className, false, loader);
                if (BundleActivator.class.isAssignableFrom(type) && !type.isInterface()
                        && !Modifier.isAbstract(type.getModifiers())) {
                    found.add(type);
                }
            }
        }
        if (found.isEmpty()) {
            return null;
        }
        if (found.size() > 1) {
            throw new DeploymentException(DeploymentException.Failure.BAD_SERVICE, id + ": several activators " + found.stream().map(Class::getName).toList()
                    + "; name one in the manifest attribute " + BundleJars.ACTIVATOR, null);
        }
        Class<?> type = found.get(0);
        if (!BundleActivator.class.isAssignableFrom(type)) {
            throw new DeploymentException(DeploymentException.Failure.BAD_SERVICE, id + ": " + type.getName() + " (" + BundleJars.ACTIVATOR
                    + ") does not implement BundleActivator", null);
        }
        return (BundleActivator) type.getConstructor().newInstance();
    }
}
