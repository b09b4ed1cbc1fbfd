package io.swivel.protocol.kryo;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

/**
 * The classes that may be deserialized for a set of service interfaces: every class reachable
 * from their methods' parameters, return types and declared exceptions (through fields,
 * record components, array components and generic arguments, recursively), plus well-known
 * JDK value, time and collection types.
 *
 * <p>Any other class name in a message is refused before it is loaded, so a message cannot
 * make the receiver load, initialize or instantiate a class it did not agree to.
 */
public final class TypeAllowlist {

    /** JDK classes that are safe to deserialize and commonly appear behind declared types. */
    private static final Set<String> JDK_TYPES = Set.copyOf(JdkTypes.NAMES);

    private final Set<String> allowed;

    private TypeAllowlist(Set<String> allowed) {
        this.allowed = allowed;
    }

    /**
     * Computes the allowlist of some service interfaces.
     *
     * @param serviceInterfaces the interfaces
     * @return the allowlist
     */
    public static TypeAllowlist forServices(Collection<Class<?>> serviceInterfaces) {
        Set<String> allowed = new HashSet<>(JDK_TYPES);
        Set<Type> seen = new HashSet<>();
        Deque<Type> work = new ArrayDeque<>();
        for (Class<?> service : serviceInterfaces) {
            for (Method method : service.getMethods()) {
                if (method.getDeclaringClass() == Object.class || Modifier.isStatic(method.getModifiers())) {
                    continue;
                }
                Collections.addAll(work, method.getGenericParameterTypes());
                work.add(method.getGenericReturnType());
                Collections.addAll(work, method.getGenericExceptionTypes());
            }
        }
        while (!work.isEmpty()) {
            Type type = work.poll();
            if (seen.add(type)) {
                visit(type, allowed, work);
            }
        }
        return new TypeAllowlist(Collections.unmodifiableSet(allowed));
    }

    private static void visit(Type type, Set<String> allowed, Deque<Type> work) {
        if (type instanceof ParameterizedType parameterized) {
            Type raw = parameterized.getRawType();
            // A future is how a result travels, never what travels.
            if (!(raw instanceof Class<?> rawClass && isFuture(rawClass))) {
                work.add(raw);
            }
            Collections.addAll(work, parameterized.getActualTypeArguments());
        } else if (type instanceof GenericArrayType array) {
            work.add(array.getGenericComponentType());
        } else if (type instanceof WildcardType wildcard) {
            Collections.addAll(work, wildcard.getUpperBounds());
            Collections.addAll(work, wildcard.getLowerBounds());
        } else if (type instanceof TypeVariable<?> variable) {
            Collections.addAll(work, variable.getBounds());
        } else if (type instanceof Class<?> type0) {
            visitClass(type0, allowed, work);
        }
    }

    private static void visitClass(Class<?> type, Set<String> allowed, Deque<Type> work) {
        if (type.isPrimitive()) {
            return;
        }
        if (type.isArray()) {
            work.add(type.getComponentType());
            return;
        }
        String name = type.getName();
        if (name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.") || name.startsWith("sun.")) {
            // Only the well-known JDK types; interfaces such as List resolve to them.
            return;
        }
        if (Throwable.class.isAssignableFrom(type)) {
            allowed.add(name); // errors travel as text; the name is allowed, its fields are not walked
            return;
        }
        allowed.add(name);
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                work.add(component.getGenericType());
            }
            return;
        }
        for (Class<?> c = type; c != null && c != Object.class && !c.getName().startsWith("java."); c = c.getSuperclass()) {
            if (c != type) {
                allowed.add(c.getName());
            }
            for (Field field : c.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (!Modifier.isStatic(modifiers) && !Modifier.isTransient(modifiers)) {
                    work.add(field.getGenericType());
                }
            }
        }
    }

    private static boolean isFuture(Class<?> type) {
        return Future.class.isAssignableFrom(type) || CompletionStage.class.isAssignableFrom(type);
    }

    /**
     * Whether a class may be deserialized. Array names ({@code [Lcom.example.Dto;}) are
     * allowed when their element type is.
     *
     * @param className a binary class name as found in a message
     * @return true if allowed
     */
    public boolean allows(String className) {
        String element = className;
        if (element.startsWith("[")) {
            int dims = 0;
            while (dims < element.length() && element.charAt(dims) == '[') {
                dims++;
            }
            element = element.substring(dims);
            if (element.length() == 1) {
                return "ZBCSIJFD".indexOf(element.charAt(0)) >= 0; // primitive array
            }
            if (!element.startsWith("L") || !element.endsWith(";")) {
                return false;
            }
            element = element.substring(1, element.length() - 1);
        }
        return allowed.contains(element);
    }

    /**
     * All allowed class names, for diagnostics.
     *
     * @return the sorted names
     */
    public List<String> classNames() {
        return List.copyOf(new TreeSet<>(allowed));
    }
}
