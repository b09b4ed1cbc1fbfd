package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.CollectionSerializer;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.serializers.MapSerializer;
import com.esotericsoftware.kryo.serializers.OptionalSerializers;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JdkTypesTest {

    private static final int MAX_BODY = 1 << 20;

    interface Calendar {
        Map<String, List<LocalDateTime>> slots(LocalDate day, ArrayList<Integer> rooms);
    }

    private static SerializationContext context() {
        return SerializationContext.create(JdkTypesTest.class.getClassLoader(),
                TypeAllowlist.forServices(Set.of(Calendar.class)), MAX_BODY);
    }

    @Test
    void jdkTypesTravelAsIdsNotNames() {
        Map<String, List<LocalDateTime>> slots = new HashMap<>();
        slots.put("a", new ArrayList<>(List.of(LocalDateTime.of(2026, 11, 21, 9, 30))));
        byte[] body = context().encode(LocalDate.of(2026, 11, 21), new ArrayList<>(List.of(1, 2)), slots);

        String text = new String(body, StandardCharsets.ISO_8859_1);
        assertThat(text).doesNotContain("java.");
        assertThat(context().decode(body, 3))
                .containsExactly(LocalDate.of(2026, 11, 21), List.of(1, 2), slots);
    }

    @Test
    void idsAreTheIndexInTheListAboveKryosOwn() {
        Kryo kryo = new Kryo();
        SerializationContext.configureSerializers(kryo);

        assertThat(kryo.getRegistration(LocalDateTime.class).getId())
                .isEqualTo(JdkTypes.FIRST_ID + JdkTypes.NAMES.indexOf("java.time.LocalDateTime"));
        assertThat(kryo.getRegistration(ArrayList.class).getId())
                .isEqualTo(JdkTypes.FIRST_ID + JdkTypes.NAMES.indexOf("java.util.ArrayList"));
        // String and the wrappers keep Kryo's own ids, below ours.
        assertThat(kryo.getRegistration(String.class).getId()).isLessThan(JdkTypes.FIRST_ID);
        assertThat(kryo.getRegistration(Integer.class).getId()).isLessThan(JdkTypes.FIRST_ID);
    }

    /**
     * The ids are part of the body format: a peer built from an older list must read what a
     * newer one writes. This pins the list as first published; new types go at the end.
     */
    @Test
    void theListOnlyGrowsAtTheEnd() {
        List<String> published = List.of(
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

        assertThat(JdkTypes.NAMES.subList(0, published.size())).isEqualTo(published);
    }

    @Test
    void everyListedTypeIsAllowed() {
        TypeAllowlist allowlist = TypeAllowlist.forServices(Set.of(Calendar.class));
        assertThat(JdkTypes.NAMES).allSatisfy(name -> assertThat(allowlist.allows(name)).isTrue());
    }

    @Test
    void aWriterWithoutTheIdsIsStillRead() {
        // A class name where an id could have been (as a peer without JdkTypes writes it) decodes.
        Kryo kryo = new Kryo(new AllowlistClassResolver(TypeAllowlist.forServices(Set.of(Calendar.class))), null);
        kryo.setRegistrationRequired(false);
        kryo.setReferences(false);
        Output output = new Output(256);
        output.writeVarInt(1, true);
        kryo.writeClassAndObject(output, LocalDate.of(2026, 11, 21));
        String text = new String(output.toBytes(), StandardCharsets.ISO_8859_1);
        assertThat(text).contains("java.time.LocalDat"); // Kryo marks the last character of an ASCII string

        assertThat(context().decode(output.toBytes(), 1)).containsExactly(LocalDate.of(2026, 11, 21));
    }

    @Test
    void onlyKryosOwnSerializersOfValuesWithoutMembersAreLeaves() {
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(false);
        for (Class<?> type : List.of(Integer.class, Long.class, String.class, LocalDate.class, LocalDateTime.class,
                java.time.Instant.class)) {
            assertThat(JdkTypes.leaf(kryo.getSerializer(type))).as(type.getName()).isTrue();
        }
        assertThat(JdkTypes.leaf(new DefaultSerializers.UUIDSerializer())).isTrue();
        assertThat(JdkTypes.leaf(new DefaultSerializers.BigDecimalSerializer())).isTrue();
        assertThat(JdkTypes.leaf(new CollectionSerializer<ArrayList<Object>>())).isFalse();
        assertThat(JdkTypes.leaf(new MapSerializer<HashMap<Object, Object>>())).isFalse();
        assertThat(JdkTypes.leaf(new OptionalSerializers.OptionalSerializer())).isFalse();
        // A serializer put in the place of Kryo's own may read anything: it gets a frame like any value.
        assertThat(JdkTypes.leaf(new DefaultSerializers.IntSerializer() {
        })).isFalse();
    }
}
