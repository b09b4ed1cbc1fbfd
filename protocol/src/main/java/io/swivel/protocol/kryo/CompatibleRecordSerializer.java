package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;

/**
 * Serializes a record by component name, each value in its own length-prefixed chunk (see
 * {@link NamedChunks}), so that a component added or removed between two versions of the record
 * still decodes: an unknown component is skipped, a missing one gets its type's default value.
 */
final class CompatibleRecordSerializer<T> extends Serializer<T> {

    private final Class<T> type;
    private final RecordComponent[] components;
    private final Class<?>[] boxedTypes;
    private final java.lang.reflect.Type[] genericTypes;
    private final Object[] defaults;
    private final Method[] accessors;
    private final MethodHandle constructor;
    private final NamedChunks chunks;

    CompatibleRecordSerializer(Kryo kryo, Class<T> type) {
        this.type = type;
        this.components = type.getRecordComponents();
        this.accessors = new Method[components.length];
        this.boxedTypes = new Class<?>[components.length];
        this.genericTypes = new java.lang.reflect.Type[components.length];
        this.defaults = new Object[components.length];
        Class<?>[] parameterTypes = new Class<?>[components.length];
        String[] names = new String[components.length];
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            for (int i = 0; i < components.length; i++) {
                accessors[i] = components[i].getAccessor();
                accessors[i].setAccessible(true);
                parameterTypes[i] = components[i].getType();
                names[i] = components[i].getName();
                boxedTypes[i] = NamedChunks.boxed(parameterTypes[i]);
                genericTypes[i] = components[i].getGenericType();
                defaults[i] = defaultValue(parameterTypes[i]);
            }
            var canonical = type.getDeclaredConstructor(parameterTypes);
            canonical.setAccessible(true);
            MethodHandle handle = lookup.unreflectConstructor(canonical);
            this.constructor = handle.asSpreader(Object[].class, components.length)
                    .asType(MethodType.methodType(Object.class, Object[].class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new KryoException("cannot serialize record " + type.getName() + ": " + e, e);
        }
        this.chunks = new NamedChunks(type.getName(), names);
    }

    @Override
    public void write(Kryo kryo, Output output, T record) {
        chunks.writeCount(output);
        for (int i = 0; i < components.length; i++) {
            Object value;
            try {
                value = accessors[i].invoke(record);
            } catch (ReflectiveOperationException | RuntimeException e) {
                throw new KryoException("cannot read component " + components[i].getName() + " of " + type.getName(), e);
            }
            chunks.write(kryo, output, i, value);
        }
    }

    @Override
    public T read(Kryo kryo, Input input, Class<? extends T> requested) {
        int count = chunks.readCount(input);
        Object[] values = defaults.clone();
        int expected = 0;
        for (int n = 0; n < count; n++) {
            int index = chunks.readName(input, expected);
            Object value = chunks.readValue(kryo, input, index, index >= 0 ? chunks.name(index) : "(a component unknown here)",
                    index >= 0 ? genericTypes[index] : Object.class);
            if (index < 0) {
                continue;
            }
            expected = index + 1;
            if (value != null && !boxedTypes[index].isInstance(value)) {
                throw new KryoException("record component " + type.getName() + "." + chunks.name(index) + " is a "
                        + components[index].getType().getName() + ", got " + value.getClass().getName());
            }
            values[index] = value != null ? value : defaults[index];
        }
        try {
            return type.cast(constructor.invokeExact(values));
        } catch (Throwable e) {
            throw new KryoException("cannot construct record " + type.getName() + ": " + e, e);
        }
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
