package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.HashMap;
import java.util.Map;

/**
 * Serializes a record by component name, each value in its own length-prefixed chunk, so
 * that a component added or removed between two versions of the record still decodes: an
 * unknown component is skipped, a missing one gets its type's default value.
 */
final class CompatibleRecordSerializer<T> extends Serializer<T> {

    private final Class<T> type;
    private final RecordComponent[] components;
    private final MethodHandle[] accessors;
    private final MethodHandle constructor;
    private final Map<String, Integer> indexByName = new HashMap<>();

    CompatibleRecordSerializer(Kryo kryo, Class<T> type) {
        this.type = type;
        this.components = type.getRecordComponents();
        this.accessors = new MethodHandle[components.length];
        Class<?>[] parameterTypes = new Class<?>[components.length];
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            for (int i = 0; i < components.length; i++) {
                var accessor = components[i].getAccessor();
                accessor.setAccessible(true);
                accessors[i] = lookup.unreflect(accessor);
                parameterTypes[i] = components[i].getType();
                indexByName.put(components[i].getName(), i);
            }
            var canonical = type.getDeclaredConstructor(parameterTypes);
            canonical.setAccessible(true);
            MethodHandle handle = lookup.unreflectConstructor(canonical);
            this.constructor = handle.asSpreader(Object[].class, components.length)
                    .asType(MethodType.methodType(Object.class, Object[].class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new KryoException("cannot serialize record " + type.getName() + ": " + e, e);
        }
    }

    @Override
    public void write(Kryo kryo, Output output, T record) {
        output.writeVarInt(components.length, true);
        Output chunk = new Output(64, -1);
        for (int i = 0; i < components.length; i++) {
            output.writeString(components[i].getName());
            Object value;
            try {
                value = accessors[i].invoke(record);
            } catch (Throwable e) {
                throw new KryoException("cannot read component " + components[i].getName() + " of " + type.getName(), e);
            }
            chunk.reset();
            kryo.writeClassAndObject(chunk, value);
            output.writeVarInt(chunk.position(), true);
            output.writeBytes(chunk.getBuffer(), 0, chunk.position());
        }
    }

    @Override
    public T read(Kryo kryo, Input input, Class<? extends T> requested) {
        int count = input.readVarInt(true);
        if (count < 0 || count > 1024) {
            throw new KryoException("record " + type.getName() + " with " + count + " components (expected: <= 1024)");
        }
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            values[i] = defaultValue(components[i].getType());
        }
        for (int n = 0; n < count; n++) {
            String name = input.readString();
            int length = input.readVarInt(true);
            if (length < 0 || length > input.limit() - input.position()) {
                throw new KryoException("record component " + name + " declares " + length + " bytes, "
                        + (input.limit() - input.position()) + " left");
            }
            Integer index = indexByName.get(name);
            if (index == null) {
                input.skip(length);
                continue;
            }
            byte[] bytes = input.readBytes(length);
            Object value = kryo.readClassAndObject(new BoundedInput(bytes));
            Class<?> componentType = components[index].getType();
            if (value != null && !wrap(componentType).isInstance(value)) {
                throw new KryoException("record component " + type.getName() + "." + name + " is a "
                        + componentType.getName() + ", got " + value.getClass().getName());
            }
            values[index] = value != null ? value : defaultValue(componentType);
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

    private static Class<?> wrap(Class<?> type) {
        return type.isPrimitive() ? MethodType.methodType(type).wrap().returnType() : type;
    }
}
