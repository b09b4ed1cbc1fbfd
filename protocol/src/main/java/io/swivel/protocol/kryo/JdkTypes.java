package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.TimeSerializers;
import java.util.List;
import java.util.Set;

/**
 * The JDK classes every {@link TypeAllowlist} allows, and their class ids on the wire.
 *
 * <p>Each is registered with Kryo under a fixed id ({@value #FIRST_ID} + its index in
 * {@link #NAMES}), so a body carries a one-byte id instead of the class name: a
 * {@code LocalDateTime} costs 1 byte instead of 25, and the reader looks up no name. Both ends
 * derive the ids from this list, so <b>the order is part of the {@code swivel/1} body format:
 * only ever append</b>. Classes outside the list (the services' own) still travel by name and
 * are checked against the allowlist before they are loaded.
 */
final class JdkTypes {

    /** The id of the first name in {@link #NAMES}; Kryo's own registrations (primitives, String) sit below. */
    static final int FIRST_ID = 16;

    /** In wire order: append only. */
    static final List<String> NAMES = List.of(
            "java.lang.String", "java.lang.Boolean", "java.lang.Byte", "java.lang.Character",
            "java.lang.Short", "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double",
            "java.math.BigDecimal", "java.math.BigInteger", "java.util.UUID", "java.net.URI",
            "java.util.Optional", "java.util.OptionalInt", "java.util.OptionalLong", "java.util.OptionalDouble",
            "java.time.Instant", "java.time.Duration", "java.time.Period", "java.time.LocalDate",
            "java.time.LocalTime", "java.time.LocalDateTime", "java.time.ZonedDateTime", "java.time.OffsetDateTime",
            "java.time.OffsetTime", "java.time.ZoneOffset", "java.time.ZoneRegion", "java.time.Year",
            "java.time.YearMonth", "java.time.MonthDay", "java.time.DayOfWeek", "java.time.Month",
            "java.util.ArrayList", "java.util.LinkedList", "java.util.ArrayDeque", "java.util.HashMap",
            "java.util.LinkedHashMap", "java.util.TreeMap", "java.util.HashSet", "java.util.LinkedHashSet",
            "java.util.TreeSet", "java.util.concurrent.ConcurrentHashMap", "java.util.concurrent.CopyOnWriteArrayList",
            "java.util.Arrays$ArrayList", "java.util.Collections$EmptyList", "java.util.Collections$EmptySet",
            "java.util.Collections$EmptyMap", "java.util.Collections$SingletonList", "java.util.Collections$SingletonSet",
            "java.util.Collections$SingletonMap", "java.util.ImmutableCollections$List12",
            "java.util.ImmutableCollections$ListN", "java.util.ImmutableCollections$SubList",
            "java.util.ImmutableCollections$Set12", "java.util.ImmutableCollections$SetN",
            "java.util.ImmutableCollections$Map1", "java.util.ImmutableCollections$MapN");

    /** {@link #NAMES} resolved once, index for index; null where this JDK lacks the class. JDK classes only. */
    private static final Class<?>[] TYPES = resolve();

    /**
     * Kryo's serializers of values that hold no other value (numbers, strings, dates, UUIDs): Kryo's
     * classes only, compared exactly, so a serializer of the same type put in their place is not one.
     */
    private static final Set<Class<?>> LEAF_SERIALIZERS = Set.of(
            DefaultSerializers.BooleanSerializer.class, DefaultSerializers.ByteSerializer.class,
            DefaultSerializers.CharSerializer.class, DefaultSerializers.ShortSerializer.class,
            DefaultSerializers.IntSerializer.class, DefaultSerializers.LongSerializer.class,
            DefaultSerializers.FloatSerializer.class, DefaultSerializers.DoubleSerializer.class,
            DefaultSerializers.StringSerializer.class, DefaultSerializers.BigIntegerSerializer.class,
            DefaultSerializers.BigDecimalSerializer.class, DefaultSerializers.UUIDSerializer.class,
            TimeSerializers.InstantSerializer.class, TimeSerializers.DurationSerializer.class,
            TimeSerializers.LocalDateSerializer.class, TimeSerializers.LocalTimeSerializer.class,
            TimeSerializers.LocalDateTimeSerializer.class);

    private JdkTypes() {
    }

    /**
     * Whether {@code serializer} reads a value from bytes alone, with no value read inside it: then
     * the decode needs no frame for it ({@link BoundedKryo}).
     */
    static boolean leaf(Serializer<?> serializer) {
        return LEAF_SERIALIZERS.contains(serializer.getClass());
    }

    private static Class<?>[] resolve() {
        Class<?>[] types = new Class<?>[NAMES.size()];
        for (int i = 0; i < types.length; i++) {
            try {
                types[i] = Class.forName(NAMES.get(i), false, null);
            } catch (ClassNotFoundException e) {
                types[i] = null; // not in this JDK: nothing can send or receive it; its id stays free
            }
        }
        return types;
    }

    /** The classes of {@link #NAMES} this JDK has (nulls where it lacks one), in wire order. */
    static List<Class<?>> types() {
        return java.util.Arrays.asList(TYPES.clone());
    }

    /**
     * Registers every class of {@link #NAMES} that this JDK has under its fixed id, with Kryo's
     * default serializer for it (so install default serializers first). A class this JDK lacks
     * keeps its id unused, so the others do not move.
     *
     * @param kryo the Kryo to configure
     */
    static void register(Kryo kryo) {
        for (int i = 0; i < TYPES.length; i++) {
            Class<?> type = TYPES[i];
            if (type != null && kryo.getClassResolver().getRegistration(type) == null) { // String and the wrappers have Kryo's ids
                kryo.register(type, FIRST_ID + i);
            }
        }
    }
}
