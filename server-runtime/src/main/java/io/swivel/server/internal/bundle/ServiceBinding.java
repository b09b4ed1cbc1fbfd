package io.swivel.server.internal.bundle;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One service served by a bundle generation: the interface, the implementation instance and
 * an invoker per method key.
 *
 * @param serviceInterface the service interface, loaded by the bundle's loader
 * @param instance the implementation
 * @param invokers invokers by method key
 */
public record ServiceBinding(Class<?> serviceInterface, Object instance, Map<String, Invoker> invokers) {

    /**
     * Creates a binding.
     *
     * @param serviceInterface the interface
     * @param instance the implementation
     * @param invokers the invokers by key
     */
    public ServiceBinding {
        invokers = Map.copyOf(invokers);
    }

    /**
     * The service's name on the wire.
     *
     * @return the interface's binary name
     */
    public String name() {
        return serviceInterface.getName();
    }

    /**
     * The method keys, sorted, for messages and status.
     *
     * @return the keys
     */
    public List<String> methodKeys() {
        return List.copyOf(new TreeSet<>(invokers.keySet()));
    }
}
