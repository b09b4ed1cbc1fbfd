package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Serializes a plain class member by member ({@link MemberSerializer}): described once per value,
 * then by position, so that a field added, removed or reordered between two versions of the
 * class still decodes: an unknown field is skipped, a missing one keeps the value the new
 * instance has.
 *
 * <p>The fields are the non-static, non-transient, non-synthetic fields of the class and of its
 * superclasses up to the first JDK class (as {@link TypeAllowlist} walks them). A superclass
 * field hidden by a field of the same name further down travels as
 * {@code DeclaringClass.name}. Instances are made by Kryo's instantiator strategy (the no-argument
 * constructor if there is one) before any field is read. Fields are read and set through method
 * handles made once per class (final fields too: {@code setAccessible(true)}), called as constants
 * by a class generated once per class and context ({@link HiddenAccessors}, kept by the context's
 * {@link Accessors} for all its Kryos), or, if that class cannot be defined, from arrays as before
 * ({@link HandleAccessor}: the same values and errors, at a few checks more per call; the reason
 * is logged as a warning and kept, {@link #generationFailure}). Both are held by this serializer
 * and its context only: a bundle's classes are not pinned beyond its context.
 *
 * <p>This replaces Kryo's {@code CompatibleFieldSerializer}, whose chunked reads go through an
 * {@code InputChunked} of its own and so escape {@link BoundedInput}'s length checks: a field
 * holding an array or collection that declared 2<sup>31</sup> elements was allocated at that size.
 */
final class CompatibleObjectSerializer<T> extends MemberSerializer<T> {

    private CompatibleObjectSerializer(Class<T> type, Field[] fields, String[] names, MemberAccessor.Factory factory,
            boolean nameKeyed) {
        super(type, names, types(fields), genericTypes(fields), handles(type, fields, true), handles(type, fields, false),
                factory, nameKeyed);
    }

    /**
     * @param type the class
     * @param nameKeyed write the name-keyed form instead of the described one
     */
    static <T> CompatibleObjectSerializer<T> of(Class<T> type, boolean nameKeyed) {
        return of(type, nameKeyed, HiddenAccessors::define);
    }

    /** As {@link #of(Class, boolean)}, the accessor made by {@code factory} (a context's {@link Accessors}; tests make it fail). */
    static <T> CompatibleObjectSerializer<T> of(Class<T> type, boolean nameKeyed, MemberAccessor.Factory factory) {
        List<Field> list = fieldsOf(type);
        Field[] fields = list.toArray(new Field[0]);
        String[] names = new String[fields.length];
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < fields.length; i++) {
            // Fields come most-derived class first: a hidden superclass field gets a qualified name.
            names[i] = seen.add(fields[i].getName()) ? fields[i].getName()
                    : fields[i].getDeclaringClass().getName() + "." + fields[i].getName();
        }
        return new CompatibleObjectSerializer<>(type, fields, names, factory, nameKeyed);
    }

    private static Class<?>[] types(Field[] fields) {
        Class<?>[] types = new Class<?>[fields.length];
        for (int i = 0; i < fields.length; i++) {
            types[i] = fields[i].getType();
        }
        return types;
    }

    private static Type[] genericTypes(Field[] fields) {
        Type[] types = new Type[fields.length];
        for (int i = 0; i < fields.length; i++) {
            types[i] = fields[i].getGenericType();
        }
        return types;
    }

    /** Getters {@code (T) -> field type}, or setters {@code (Object, Object) -> void}. */
    private static MethodHandle[] handles(Class<?> type, Field[] fields, boolean getters) {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        MethodHandle[] handles = new MethodHandle[fields.length];
        try {
            for (int i = 0; i < fields.length; i++) {
                fields[i].setAccessible(true);
                handles[i] = getters ? lookup.unreflectGetter(fields[i])
                        : lookup.unreflectSetter(fields[i]).asType(MethodType.methodType(void.class, Object.class, Object.class));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new KryoException("cannot serialize " + type.getName() + ": " + e, e);
        }
        return handles;
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
    Object begin(Kryo kryo, Class<? extends T> requested) {
        return kryo.newInstance(requested);
    }

    @Override
    void set(Object state, int index, Object value) {
        try {
            accessor.set(state, index, value);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            throw new KryoException("cannot set field " + names[index] + " of " + type.getName() + ": " + e, e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    T finish(Object state) {
        return (T) state;
    }

    @Override
    String memberWord() {
        return "field";
    }
}
