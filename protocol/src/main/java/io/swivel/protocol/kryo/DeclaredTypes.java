package io.swivel.protocol.kryo;

import java.lang.reflect.Array;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

/**
 * What a declared type (a parameter, a field, a record component, a collection's element type)
 * allows on the wire. Conservative where generics are not plain: a type variable or wildcard
 * stands for its (upper) bound, and a parameterized type that is not a JDK collection, map or
 * {@code Optional} gives its elements no bound beyond {@code Object}. Never stricter than Java's
 * own assignment rules, so no well-typed value is refused.
 */
final class DeclaredTypes {

    private DeclaredTypes() {
    }

    /** The class a value declared as {@code type} must be an instance of (primitives boxed). */
    static Class<?> erasure(Type type) {
        if (type instanceof Class<?> c) {
            return NamedChunks.boxed(c);
        }
        if (type instanceof ParameterizedType p) {
            return erasure(p.getRawType());
        }
        if (type instanceof GenericArrayType a) {
            return Array.newInstance(erasure(a.getGenericComponentType()), 0).getClass();
        }
        if (type instanceof WildcardType w) {
            return w.getUpperBounds().length > 0 ? erasure(w.getUpperBounds()[0]) : Object.class;
        }
        if (type instanceof TypeVariable<?> v) {
            return v.getBounds().length > 0 ? erasure(v.getBounds()[0]) : Object.class;
        }
        return Object.class;
    }

    /**
     * The declared type of a result as it travels: {@code T} for a {@code CompletableFuture<T>}
     * (or any future or completion stage), the type itself otherwise.
     */
    static Type travelling(Type returnType) {
        Class<?> raw = erasure(returnType);
        if (Future.class.isAssignableFrom(raw) || CompletionStage.class.isAssignableFrom(raw)) {
            return returnType instanceof ParameterizedType p && p.getActualTypeArguments().length == 1
                    ? p.getActualTypeArguments()[0] : Object.class;
        }
        return returnType;
    }

    /** The element type of a collection declared as {@code declared}. */
    static Type element(Type declared) {
        return argument(declared, Collection.class, 1, 0);
    }

    /** The key ({@code index} 0) or value (1) type of a map declared as {@code declared}. */
    static Type mapArgument(Type declared, int index) {
        return argument(declared, Map.class, 2, index);
    }

    /** The value type of an {@code Optional} declared as {@code declared}. */
    static Type optionalValue(Type declared) {
        return argument(declared, Optional.class, 1, 0);
    }

    /** The component type of an array declared as {@code declared}. */
    static Type component(Type declared) {
        if (declared instanceof GenericArrayType a) {
            return a.getGenericComponentType();
        }
        if (declared instanceof Class<?> c && c.isArray()) {
            return c.getComponentType();
        }
        return Object.class;
    }

    private static Type argument(Type declared, Class<?> family, int arity, int index) {
        while (declared instanceof WildcardType || declared instanceof TypeVariable<?>) {
            Type[] bounds = declared instanceof WildcardType w ? w.getUpperBounds() : ((TypeVariable<?>) declared).getBounds();
            if (bounds.length == 0) {
                return Object.class;
            }
            declared = bounds[0];
        }
        if (declared instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw
                && raw.getName().startsWith("java.") && family.isAssignableFrom(raw)
                && p.getActualTypeArguments().length == arity) {
            return p.getActualTypeArguments()[index]; // the JDK's collections and maps pass their arguments through 1:1
        }
        return Object.class;
    }

    /** A type's name for messages. */
    static String name(Type type) {
        return type instanceof Class<?> c ? c.getTypeName() : type.getTypeName();
    }
}
