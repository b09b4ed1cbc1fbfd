package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.Serializer;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * What kind of value a class is, as far as {@link BoundedKryo}'s frames need to know: a container
 * whose elements have declared types (a collection, a hashed set, a map, an array, an
 * {@code Optional}), a leaf that holds no other value ({@link JdkTypes#leaf}), or anything else.
 * Keeps the kinds of the last {@value #KEPT} classes read, with their serializers: a body repeats a
 * few classes (a page: its users, their dates, lists and numbers), and working a kind out scans the
 * class's interfaces. Classes of one context only (one per {@code BoundedKryo}); replaced in turn.
 * One thread at a time, like its Kryo.
 */
final class ValueKinds {

    static final byte OTHER = 0;
    static final byte COLLECTION = 1;
    static final byte HASHED_SET = 2;
    static final byte MAP = 3;
    static final byte HASHED_MAP = 4;
    static final byte ARRAY = 5;
    static final byte OPTIONAL = 6;
    /** A value whose serializer reads bytes and nothing nested: read without a frame of its own. */
    static final byte LEAF = 7;

    private static final int KEPT = 8;

    private final Class<?>[] types = new Class<?>[KEPT];
    @SuppressWarnings("rawtypes")
    private final Serializer[] serializers = new Serializer[KEPT];
    private final byte[] kinds = new byte[KEPT];
    private int next;

    /** The kind of a value of {@code type} read by {@code serializer}. */
    @SuppressWarnings("rawtypes")
    byte of(Class<?> type, Serializer serializer) {
        for (int i = 0; i < KEPT; i++) {
            if (types[i] == type && serializers[i] == serializer) {
                return kinds[i];
            }
        }
        byte kind = workOut(type, serializer);
        int slot = next;
        next = (slot + 1) % KEPT;
        types[slot] = type;
        serializers[slot] = serializer;
        kinds[slot] = kind;
        return kind;
    }

    @SuppressWarnings("rawtypes")
    private static byte workOut(Class<?> type, Serializer serializer) {
        if (JdkTypes.leaf(serializer)) {
            return LEAF;
        }
        if (type.isArray()) {
            return ARRAY;
        }
        if (Map.class.isAssignableFrom(type)) {
            return SortedMap.class.isAssignableFrom(type) ? MAP : HASHED_MAP;
        }
        if (Collection.class.isAssignableFrom(type)) {
            return Set.class.isAssignableFrom(type) && !SortedSet.class.isAssignableFrom(type) ? HASHED_SET : COLLECTION;
        }
        return type == Optional.class ? OPTIONAL : OTHER;
    }
}
