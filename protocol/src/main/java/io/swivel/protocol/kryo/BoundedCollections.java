package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Kryo's collection and map serializers with the same wire form, whose reads first count the
 * size the body declares against the {@link DecodeBudget} (before anything is allocated for it),
 * and which never build in quadratic time: a {@code CopyOnWriteArrayList} is filled as an
 * {@code ArrayList} and copied once, and an immutable set or map ({@code Set.of},
 * {@code Map.of}), whose linear probing has no defence against keys chosen to land in one slot,
 * has its probe length computed on the hash codes first and counted as hash work.
 */
final class BoundedCollections {

    private static final String IMMUTABLE_LIST = "ImmutableCollections$ListN";
    private static final String IMMUTABLE_SUBLIST = "ImmutableCollections$SubList";
    private static final String IMMUTABLE_LIST12 = "ImmutableCollections$List12";
    private static final String IMMUTABLE_SET = "ImmutableCollections$Set";
    private static final String IMMUTABLE_MAP = "ImmutableCollections$Map";

    private BoundedCollections() {
    }

    /** Replaces the serializer of every collection and map type registered in {@code kryo} by {@link JdkTypes}. */
    @SuppressWarnings("rawtypes")
    static void install(Kryo kryo, List<Class<?>> types) {
        for (Class<?> type : types) {
            if (type == null) {
                continue;
            }
            Registration registration = kryo.getRegistration(type);
            Serializer replacement = replacement(type, registration.getSerializer());
            if (replacement != null) {
                registration.setSerializer(replacement);
            }
        }
    }

    @SuppressWarnings("rawtypes")
    private static Serializer replacement(Class<?> type, Serializer current) {
        String name = type.getName();
        if (name.endsWith(IMMUTABLE_LIST) || name.endsWith(IMMUTABLE_LIST12) || name.endsWith(IMMUTABLE_SUBLIST)) {
            return new ImmutableList();
        }
        if (name.contains(IMMUTABLE_SET)) {
            return new ImmutableSet();
        }
        if (name.contains(IMMUTABLE_MAP)) {
            return new ImmutableMap();
        }
        if (type == CopyOnWriteArrayList.class) {
            return new CopyOnWrite();
        }
        Class<?> kind = current.getClass();
        if (kind == CollectionSerializer.class) {
            return new Counted();
        }
        if (kind == MapSerializer.class) {
            return new CountedMap();
        }
        if (kind == DefaultSerializers.TreeSetSerializer.class) {
            return new CountedTreeSet();
        }
        if (kind == DefaultSerializers.TreeMapSerializer.class) {
            return new CountedTreeMap();
        }
        return null;
    }

    /** Any collection Kryo makes by its no-argument constructor. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static final class Counted extends CollectionSerializer<Collection> {
        @Override
        protected Collection create(Kryo kryo, Input input, Class<? extends Collection> type, int size) {
            BoundedKryo.chargeElements(kryo, size);
            return super.create(kryo, input, type, size);
        }
    }

    /** A map Kryo makes by its no-argument constructor. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static final class CountedMap extends MapSerializer<Map> {
        @Override
        protected Map create(Kryo kryo, Input input, Class<? extends Map> type, int size) {
            BoundedKryo.chargeElements(kryo, size);
            return super.create(kryo, input, type, size);
        }
    }

    /** A tree set: its header (the comparator) is not an element. */
    static final class CountedTreeSet extends DefaultSerializers.TreeSetSerializer {
        @Override
        protected TreeSet create(Kryo kryo, Input input, Class<? extends TreeSet> type, int size) {
            BoundedKryo.chargeElements(kryo, size);
            BoundedKryo.expectAny(kryo); // the comparator is no element
            TreeSet set = super.create(kryo, input, type, size);
            BoundedKryo.forgetChildren(kryo);
            return set;
        }
    }

    /** A tree map: its header (the comparator) is not a key. */
    static final class CountedTreeMap extends DefaultSerializers.TreeMapSerializer {
        @Override
        protected TreeMap create(Kryo kryo, Input input, Class<? extends TreeMap> type, int size) {
            BoundedKryo.chargeElements(kryo, size);
            BoundedKryo.expectAny(kryo); // the comparator is no key
            TreeMap map = super.create(kryo, input, type, size);
            BoundedKryo.forgetChildren(kryo);
            return map;
        }
    }

    /** Filled as an {@code ArrayList}, then copied once: adding one by one copies the array every time. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static final class CopyOnWrite extends CollectionSerializer<Collection> {
        @Override
        protected Collection create(Kryo kryo, Input input, Class<? extends Collection> type, int size) {
            BoundedKryo.chargeElements(kryo, size);
            return new ArrayList<>(size);
        }

        @Override
        public Collection read(Kryo kryo, Input input, Class<? extends Collection> type) {
            Collection elements = super.read(kryo, input, type);
            return elements == null ? null : new CopyOnWriteArrayList(elements);
        }
    }

    /** {@code List.of}: the wire form of Kryo's own serializer for it (elements never null). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static final class ImmutableList extends CollectionSerializer<Collection> {
        ImmutableList() {
            setElementsCanBeNull(false);
        }

        @Override
        protected Collection create(Kryo kryo, Input input, Class<? extends Collection> type, int size) {
            BoundedKryo.chargeElements(kryo, size);
            return new ArrayList<>(size);
        }

        @Override
        public Collection read(Kryo kryo, Input input, Class<? extends Collection> type) {
            Collection elements = super.read(kryo, input, type);
            return elements == null ? null : List.of(elements.toArray());
        }
    }

    /** {@code Set.of}: the wire form of Kryo's own serializer for it. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static final class ImmutableSet extends CollectionSerializer<Collection> {
        ImmutableSet() {
            setElementsCanBeNull(false);
        }

        @Override
        protected Collection create(Kryo kryo, Input input, Class<? extends Collection> type, int size) {
            BoundedKryo.chargeElements(kryo, size);
            return new HashSet<>();
        }

        @Override
        public Collection read(Kryo kryo, Input input, Class<? extends Collection> type) {
            Collection elements = super.read(kryo, input, type);
            if (elements == null) {
                return null;
            }
            Object[] array = elements.toArray();
            chargeProbes(kryo, array);
            return Set.of(array);
        }
    }

    /** {@code Map.of}: the wire form of Kryo's own serializer for it (keys and values never null). */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static final class ImmutableMap extends MapSerializer<Map> {
        ImmutableMap() {
            setKeysCanBeNull(false);
            setValuesCanBeNull(false);
        }

        @Override
        protected Map create(Kryo kryo, Input input, Class<? extends Map> type, int size) {
            BoundedKryo.chargeElements(kryo, size);
            return new HashMap<>();
        }

        @Override
        public Map read(Kryo kryo, Input input, Class<? extends Map> type) {
            Map map = super.read(kryo, input, type);
            if (map == null) {
                return null;
            }
            chargeProbes(kryo, map.keySet().toArray());
            return Map.copyOf(map);
        }
    }

    /**
     * Counts the slots the JDK's immutable set and map will probe past while they are built
     * (linear probing over {@code 2 n} slots from {@code floorMod(hashCode, 2 n)}), each probe a
     * key comparison, charged in steps so a flood stops early.
     */
    static void chargeProbes(Kryo kryo, Object[] keys) {
        int n = keys.length;
        if (n <= 2 || !BoundedKryo.budgeted(kryo)) {
            return; // List12/Set12/Map1: no table
        }
        int slots = 2 * n;
        boolean[] taken = new boolean[slots];
        long pending = 0;
        for (Object key : keys) {
            int slot = Math.floorMod(key.hashCode(), slots);
            while (taken[slot]) {
                pending++;
                if (pending >= DecodeBudget.CHECK_EVERY) {
                    BoundedKryo.chargeHashWork(kryo, pending);
                    pending = 0;
                }
                slot = slot + 1 == slots ? 0 : slot + 1;
            }
            taken[slot] = true;
        }
        BoundedKryo.chargeHashWork(kryo, pending);
    }
}
