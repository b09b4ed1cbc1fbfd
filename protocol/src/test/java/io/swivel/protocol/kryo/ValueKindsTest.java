package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ValueKindsTest {

    private final Kryo kryo = new Kryo();
    private final ValueKinds kinds = new ValueKinds();

    ValueKindsTest() {
        kryo.setRegistrationRequired(false);
    }

    private byte kindOf(Class<?> type) {
        return kinds.of(type, kryo.getSerializer(type));
    }

    @Test
    void eachClassGetsItsKindWhetherKeptOrNot() {
        List<Class<?>> types = List.of(Integer.class, String.class, LocalDate.class, ArrayList.class, HashSet.class,
                TreeSet.class, HashMap.class, TreeMap.class, Optional.class, int[].class, ValueKindsTest.class);
        byte[] expected = {ValueKinds.LEAF, ValueKinds.LEAF, ValueKinds.LEAF, ValueKinds.COLLECTION,
                ValueKinds.HASHED_SET, ValueKinds.COLLECTION, ValueKinds.HASHED_MAP, ValueKinds.MAP, ValueKinds.OPTIONAL,
                ValueKinds.ARRAY, ValueKinds.OTHER};
        // Eleven classes through eight kept kinds, three times over: evicted ones are worked out again.
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < types.size(); i++) {
                assertThat(kindOf(types.get(i))).as("%s, round %d", types.get(i), round).isEqualTo(expected[i]);
                assertThat(kindOf(types.get(i))).as("%s again", types.get(i)).isEqualTo(expected[i]);
            }
        }
    }

    @Test
    void theSameClassWithAnotherSerializerIsNotALeaf() {
        assertThat(kinds.of(Integer.class, kryo.getSerializer(Integer.class))).isEqualTo(ValueKinds.LEAF);
        DefaultSerializers.IntSerializer replaced = new DefaultSerializers.IntSerializer() {
        };
        assertThat(kinds.of(Integer.class, replaced)).isEqualTo(ValueKinds.OTHER);
        assertThat(kinds.of(Integer.class, kryo.getSerializer(Integer.class))).isEqualTo(ValueKinds.LEAF);
    }
}
