package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;

/**
 * Serializes a record component by component ({@link MemberSerializer}): described once per
 * value, then by position, so that a component added, removed or reordered between two versions
 * of the record still decodes: an unknown component is skipped, a missing one gets its type's
 * default value. Components are read through their accessors' method handles, called as constants
 * by a generated class ({@link HiddenAccessors}), and the record is built through its canonical
 * constructor's, made once per record class.
 */
final class CompatibleRecordSerializer<T> extends MemberSerializer<T> {

    private final Object[] defaults;
    private final MethodHandle constructor;

    private CompatibleRecordSerializer(Class<T> type, RecordComponent[] components, MemberAccessor.Factory factory,
            boolean nameKeyed) {
        super(type, names(components), types(components), genericTypes(components), accessors(type, components), null,
                factory, nameKeyed);
        Class<?>[] parameterTypes = types(components);
        this.defaults = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            defaults[i] = defaultValue(parameterTypes[i]);
        }
        try {
            var canonical = type.getDeclaredConstructor(parameterTypes);
            canonical.setAccessible(true);
            this.constructor = MethodHandles.lookup().unreflectConstructor(canonical)
                    .asSpreader(Object[].class, components.length)
                    .asType(MethodType.methodType(Object.class, Object[].class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new KryoException("cannot serialize record " + type.getName() + ": " + e, e);
        }
    }

    /**
     * @param type the record class
     * @param nameKeyed write the name-keyed form instead of the described one
     */
    static <T> CompatibleRecordSerializer<T> of(Class<T> type, boolean nameKeyed) {
        return of(type, nameKeyed, HiddenAccessors::define);
    }

    /** As {@link #of(Class, boolean)}, the accessor made by {@code factory} (a context's {@link Accessors}). */
    static <T> CompatibleRecordSerializer<T> of(Class<T> type, boolean nameKeyed, MemberAccessor.Factory factory) {
        return new CompatibleRecordSerializer<>(type, type.getRecordComponents(), factory, nameKeyed);
    }

    private static String[] names(RecordComponent[] components) {
        String[] names = new String[components.length];
        for (int i = 0; i < components.length; i++) {
            names[i] = components[i].getName();
        }
        return names;
    }

    private static Class<?>[] types(RecordComponent[] components) {
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
        }
        return types;
    }

    private static Type[] genericTypes(RecordComponent[] components) {
        Type[] types = new Type[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getGenericType();
        }
        return types;
    }

    private static MethodHandle[] accessors(Class<?> type, RecordComponent[] components) {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        MethodHandle[] handles = new MethodHandle[components.length];
        try {
            for (int i = 0; i < components.length; i++) {
                Method accessor = components[i].getAccessor();
                accessor.setAccessible(true);
                handles[i] = lookup.unreflect(accessor);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new KryoException("cannot serialize record " + type.getName() + ": " + e, e);
        }
        return handles;
    }

    @Override
    Object begin(Kryo kryo, Class<? extends T> requested) {
        return defaults.clone();
    }

    @Override
    void set(Object state, int index, Object value) {
        ((Object[]) state)[index] = value;
    }

    @Override
    T finish(Object state) {
        try {
            return type.cast(constructor.invokeExact((Object[]) state));
        } catch (Throwable e) {
            throw new KryoException("cannot construct record " + type.getName() + ": " + e, e);
        }
    }

    @Override
    String memberWord() {
        return "record component";
    }

    private static Object defaultValue(Class<?> type) {
        if (!type.isPrimitive()) {
            return null;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == char.class) {
            return '\0';
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == float.class) {
            return 0f;
        }
        if (type == double.class) {
            return 0d;
        }
        if (type == byte.class) {
            return (byte) 0;
        }
        if (type == short.class) {
            return (short) 0;
        }
        return 0;
    }
}
