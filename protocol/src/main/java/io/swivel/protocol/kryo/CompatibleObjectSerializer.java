package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Serializes a plain class by field name, each value in its own length-prefixed chunk (see
 * {@link NamedChunks}), so that a field added or removed between two versions of the class still
 * decodes: an unknown field is skipped, a missing one keeps the value the new instance has.
 *
 * <p>The fields are the non-static, non-transient, non-synthetic fields of the class and of its
 * superclasses up to the first JDK class (as {@link TypeAllowlist} walks them). A superclass
 * field hidden by a field of the same name further down travels as
 * {@code DeclaringClass.name}. Instances are made by Kryo's instantiator strategy (the no-argument
 * constructor if there is one) before any field is read.
 *
 * <p>This replaces Kryo's {@code CompatibleFieldSerializer}, whose chunked reads go through an
 * {@code InputChunked} of its own and so escape {@link BoundedInput}'s length checks: a field
 * holding an array or collection that declared 2<sup>31</sup> elements was allocated at that size.
 */
final class CompatibleObjectSerializer<T> extends Serializer<T> {

    private final Class<T> type;
    private final Class<?>[] fieldTypes;
    private final Class<?>[] boxedTypes;
    private final Field[] fields;
    private final java.lang.reflect.Type[] genericTypes;
    private final NamedChunks chunks;

    CompatibleObjectSerializer(Class<T> type) {
        this.type = type;
        List<Field> fields = fieldsOf(type);
        int n = fields.size();
        this.fieldTypes = new Class<?>[n];
        this.boxedTypes = new Class<?>[n];
        this.fields = new Field[n];
        this.genericTypes = new java.lang.reflect.Type[n];
        String[] names = new String[n];
        Set<String> seen = new HashSet<>();
        try {
            for (int i = 0; i < n; i++) {
                Field field = fields.get(i);
                field.setAccessible(true);
                this.fields[i] = field;
                fieldTypes[i] = field.getType();
                genericTypes[i] = field.getGenericType();
                boxedTypes[i] = NamedChunks.boxed(field.getType());
                // Fields come most-derived class first: a hidden superclass field gets a qualified name.
                names[i] = seen.add(field.getName()) ? field.getName()
                        : field.getDeclaringClass().getName() + "." + field.getName();
            }
        } catch (RuntimeException e) {
            throw new KryoException("cannot serialize " + type.getName() + ": " + e, e);
        }
        this.chunks = new NamedChunks(type.getName(), names);
    }

    private static List<Field> fieldsOf(Class<?> type) {
        List<Field> all = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class && !isJdk(c); c = c.getSuperclass()) {
            List<Field> declared = new ArrayList<>();
            for (Field field : c.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (!Modifier.isStatic(modifiers) && !Modifier.isTransient(modifiers) && !field.isSynthetic()) {
                    declared.add(field);
                }
            }
            declared.sort(Comparator.comparing(Field::getName)); // reflection's order is unspecified
            all.addAll(declared);
        }
        return all;
    }

    private static boolean isJdk(Class<?> c) {
        String name = c.getName();
        return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.") || name.startsWith("sun.");
    }

    @Override
    public void write(Kryo kryo, Output output, T object) {
        chunks.writeCount(output);
        for (int i = 0; i < fields.length; i++) {
            Object value;
            try {
                value = fields[i].get(object);
            } catch (IllegalAccessException | RuntimeException e) {
                throw new KryoException("cannot read field " + chunks.name(i) + " of " + type.getName(), e);
            }
            chunks.write(kryo, output, i, value);
        }
    }

    @Override
    public T read(Kryo kryo, Input input, Class<? extends T> requested) {
        int count = chunks.readCount(input);
        T object = kryo.newInstance(requested);
        int expected = 0;
        for (int n = 0; n < count; n++) {
            int index = chunks.readName(input, expected);
            Object value = chunks.readValue(kryo, input, index, index >= 0 ? chunks.name(index) : "(a field unknown here)",
                    index >= 0 ? genericTypes[index] : Object.class);
            if (index < 0) {
                continue;
            }
            expected = index + 1;
            Class<?> fieldType = fieldTypes[index];
            if (value == null) {
                if (fieldType.isPrimitive()) {
                    continue; // not sent as a primitive; keep the instance's value
                }
            } else if (!boxedTypes[index].isInstance(value)) {
                throw new KryoException("field " + type.getName() + "." + chunks.name(index) + " is a "
                        + fieldType.getName() + ", got " + value.getClass().getName());
            }
            try {
                fields[index].set(object, value);
            } catch (IllegalAccessException | RuntimeException e) {
                throw new KryoException("cannot set field " + chunks.name(index) + " of " + type.getName() + ": " + e, e);
            }
        }
        return object;
    }
}
