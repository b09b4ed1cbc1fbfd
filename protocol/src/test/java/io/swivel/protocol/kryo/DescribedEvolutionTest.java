package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema evolution in the described form, both ways, between two versions of the same classes
 * compiled inside the test and loaded in two loaders (a client and a server on different bundle
 * versions): members added, removed, renamed, reordered, changed in type, and a member of a class
 * the other version does not have at all.
 */
class DescribedEvolutionTest {

    private static final Map<String, String> V1 = Map.of(
            "evo2.Card", "package evo2; public class Card { public String title; public int count; public String mail; }",
            "evo2.Tag", "package evo2; public record Tag(String name, int weight) { }",
            "evo2.Meter", "package evo2; public class Meter { public int value; }",
            "evo2.Box", "package evo2; public class Box { public Card card; }",
            "evo2.Pin", "package evo2; public class Pin { public Tag tag; }",
            "evo2.Gauge", "package evo2; public class Gauge { public int level; public String label; public String reading; }",
            "evo2.Api", "package evo2; public interface Api { Box box(Card card, Tag tag, Meter meter, java.util.List<Tag> tags);"
                    + " Pin pin(Pin pin); Gauge gauge(Gauge gauge); }");
    private static final Map<String, String> V2 = Map.of(
            "evo2.Card", "package evo2; public class Card { public String note; public int count; public String email;"
                    + " public String title; }",
            "evo2.Tag", "package evo2; public record Tag(long since, int weight, String name) { }",
            "evo2.Meter", "package evo2; public class Meter { public String value; }",
            "evo2.Extra", "package evo2; public class Extra { public Tag tag; public java.util.List<String> more; }",
            "evo2.Box", "package evo2; public class Box { public Extra a; public Card card; }",
            "evo2.Pin", "package evo2; public class Pin { public Tag first; public java.util.List<Tag> more; public Tag tag; }",
            "evo2.Gauge", "package evo2; public class Gauge<T extends Number> { public T level; public CharSequence label;"
                    + " public T reading; }",
            "evo2.Api", "package evo2; public interface Api { Box box(Card card, Tag tag, Meter meter, java.util.List<Tag> tags);"
                    + " Pin pin(Pin pin); Gauge<Integer> gauge(Gauge<Integer> gauge); }");

    @TempDir
    static Path tmp;

    private static CompiledVersions versions;
    private static URLClassLoader v1;
    private static URLClassLoader v2;
    private static SerializationContext context1;
    private static SerializationContext context2;

    @BeforeAll
    static void compileBothVersions() throws Exception {
        versions = CompiledVersions.compile(tmp, V1, V2, "evo2.Api");
        v1 = versions.v1;
        v2 = versions.v2;
        context1 = versions.context1;
        context2 = versions.context2;
    }

    @AfterAll
    static void closeLoaders() throws Exception {
        versions.close();
    }

    /** A new instance of a POJO with the given public fields set. */
    private static Object pojo(ClassLoader loader, String type, Object... namesAndValues) throws Exception {
        Object object = loader.loadClass(type).getConstructor().newInstance();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            object.getClass().getField((String) namesAndValues[i]).set(object, namesAndValues[i + 1]);
        }
        return object;
    }

    private static Object record(ClassLoader loader, String type, Class<?>[] types, Object... values) throws Exception {
        return loader.loadClass(type).getConstructor(types).newInstance(values);
    }

    private static Object get(Object target, String member) throws Exception {
        return target.getClass().isRecord() ? target.getClass().getMethod(member).invoke(target)
                : target.getClass().getField(member).get(target);
    }

    @Test
    void aPojoWithMembersAddedRemovedAndRenamedDecodesBothWays() throws Exception {
        Object fromV1 = context2.decode(context1.encode(pojo(v1, "evo2.Card", "title", "t1", "count", 3, "mail", "m")), 1)[0];
        assertThat(fromV1.getClass().getClassLoader()).isSameAs(v2);
        assertThat(get(fromV1, "title")).isEqualTo("t1");
        assertThat(get(fromV1, "count")).isEqualTo(3);
        assertThat(get(fromV1, "email")).isNull(); // renamed from mail: a member removed and one added
        assertThat(get(fromV1, "note")).isNull();

        Object fromV2 = context1.decode(context2.encode(pojo(v2, "evo2.Card", "title", "t2", "count", 4, "email", "e",
                "note", "n")), 1)[0];
        assertThat(fromV2.getClass().getClassLoader()).isSameAs(v1);
        assertThat(get(fromV2, "title")).isEqualTo("t2");
        assertThat(get(fromV2, "count")).isEqualTo(4);
        assertThat(get(fromV2, "mail")).isNull();
    }

    @Test
    void aRecordWithComponentsReorderedAndAddedDecodesBothWays() throws Exception {
        Object fromV1 = context2.decode(context1.encode(record(v1, "evo2.Tag", new Class<?>[] {String.class, int.class},
                "red", 5)), 1)[0];
        assertThat(fromV1).isEqualTo(record(v2, "evo2.Tag", new Class<?>[] {long.class, int.class, String.class}, 0L, 5, "red"));

        Object fromV2 = context1.decode(context2.encode(record(v2, "evo2.Tag", new Class<?>[] {long.class, int.class,
                String.class}, 99L, 6, "blue")), 1)[0];
        assertThat(fromV2).isEqualTo(record(v1, "evo2.Tag", new Class<?>[] {String.class, int.class}, "blue", 6));
    }

    @Test
    void manyRecordsOfAnEvolvedClassInOneListShareOneDescription() throws Exception {
        List<Object> tags = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tags.add(record(v2, "evo2.Tag", new Class<?>[] {long.class, int.class, String.class}, (long) i, i, "t" + i));
        }
        List<?> decoded = (List<?>) context1.decode(context2.encode(tags), 1)[0];
        assertThat(decoded).hasSize(20);
        for (int i = 0; i < 20; i++) {
            assertThat(get(decoded.get(i), "name")).isEqualTo("t" + i);
            assertThat(get(decoded.get(i), "weight")).isEqualTo(i);
        }
    }

    @Test
    void aMemberOfAClassTheReaderDoesNotHaveIsSkippedWithWhatItDescribed() throws Exception {
        // v2's Box.a is an Extra, a class v1 neither has nor allows; it and a Tag inside it are
        // described before Box.card's Card is: the reader skips a's chunk, so what was described in
        // it must be forgotten by the writer too, or card's description number would differ.
        Object inner = record(v2, "evo2.Tag", new Class<?>[] {long.class, int.class, String.class}, 1L, 2, "inner");
        Object extra = pojo(v2, "evo2.Extra", "tag", inner, "more", List.of("x", "y"));
        Object box = pojo(v2, "evo2.Box", "a", extra, "card", pojo(v2, "evo2.Card", "title", "outer", "count", 8));

        Object decoded = context1.decode(context2.encode(box), 1)[0];
        Object card = get(decoded, "card");
        assertThat(get(card, "title")).isEqualTo("outer");
        assertThat(get(card, "count")).isEqualTo(8);

        Object back = context2.decode(context2.encode(box), 1)[0]; // and the same version reads all of it
        assertThat(get(get(get(back, "a"), "tag"), "name")).isEqualTo("inner");
        assertThat(get(get(back, "card"), "title")).isEqualTo("outer");
    }

    @Test
    void aClassFirstNamedInASkippedMemberIsNamedAgainInAMemberTheReaderHas() throws Exception {
        // v2's Pin.first and Pin.more, which v1 does not have, hold the value's first Tags: Kryo
        // names Tag (and the list's class) inside their chunks, which v1 skips; Pin.tag, which
        // both have, must name Tag again rather than refer to a name v1 never read.
        Object first = record(v2, "evo2.Tag", new Class<?>[] {long.class, int.class, String.class}, 1L, 1, "first");
        Object more = record(v2, "evo2.Tag", new Class<?>[] {long.class, int.class, String.class}, 2L, 2, "more");
        Object kept = record(v2, "evo2.Tag", new Class<?>[] {long.class, int.class, String.class}, 3L, 3, "kept");
        Object pin = pojo(v2, "evo2.Pin", "first", first, "more", new java.util.ArrayList<>(List.of(more, more)),
                "tag", kept);

        Object decoded = context1.decode(context2.encode(pin), 1)[0];
        assertThat(get(decoded, "tag")).isEqualTo(record(v1, "evo2.Tag", new Class<?>[] {String.class, int.class},
                "kept", 3));

        Object listFirst = pojo(v2, "evo2.Pin", "more", List.of(more), "tag", kept); // the list holds the first Tag
        assertThat(get(context1.decode(context2.encode(listFirst), 1)[0], "tag")).isEqualTo(get(decoded, "tag"));

        Object back = context2.decode(context2.encode(pin), 1)[0]; // the same version reads all of it
        assertThat(get(back, "first")).isEqualTo(first);
        assertThat(get(back, "more")).isEqualTo(List.of(more, more));
        assertThat(get(back, "tag")).isEqualTo(kept);
    }

    @Test
    void anOlderWritersBodyStillRefersToANameGivenInAnEarlierMember() throws Exception {
        // Older writers did not scope names: Tag is named in Pin.first's chunk and referred to by
        // id in the chunks after it. The same version reads it as the older reader did.
        Object first = record(v2, "evo2.Tag", new Class<?>[] {long.class, int.class, String.class}, 1L, 1, "first");
        Object kept = record(v2, "evo2.Tag", new Class<?>[] {long.class, int.class, String.class}, 3L, 3, "kept");
        byte[] older = Bodies.nameKeyed(pojo(v2, "evo2.Pin", "first", first, "more", List.of(kept), "tag", kept));
        Object back = context2.decode(older, 1)[0];
        assertThat(get(back, "first")).isEqualTo(first);
        assertThat(get(back, "more")).isEqualTo(List.of(kept));
        assertThat(get(back, "tag")).isEqualTo(kept);
    }

    @Test
    void aMemberWhoseTypeChangedIsRefusedBothWaysAsTheNameKeyedFormRefusesIt() throws Exception {
        assertThatThrownBy(() -> context2.decode(context1.encode(pojo(v1, "evo2.Meter", "value", 3)), 1))
                .isInstanceOfSatisfying(SerializationException.class,
                        e -> assertThat(e.refusal().limit()).isEqualTo(DecodeRefusedException.Limit.DECLARED_TYPE))
                .hasMessageContaining("evo2.Meter.value: a java.lang.Integer where java.lang.String is declared");
        assertThatThrownBy(() -> context1.decode(context2.encode(pojo(v2, "evo2.Meter", "value", "3")), 1))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("evo2.Meter.value: a java.lang.String where int is declared");
        // A null where the type changed is no value of the wrong type: the member keeps its default.
        assertThat(get(context1.decode(context2.encode(pojo(v2, "evo2.Meter")), 1)[0], "value")).isEqualTo(0);
    }

    @Test
    void whatAnOlderWriterOfTheOtherVersionSentStillDecodes() throws Exception {
        Object fromOlderV2 = context1.decode(Bodies.nameKeyed(pojo(v2, "evo2.Card", "title", "old", "count", 2)), 1)[0];
        assertThat(fromOlderV2.getClass().getClassLoader()).isSameAs(v1);
        assertThat(get(fromOlderV2, "title")).isEqualTo("old");
        assertThat(get(fromOlderV2, "count")).isEqualTo(2);
        Object tag = context2.decode(Bodies.nameKeyed(record(v1, "evo2.Tag", new Class<?>[] {String.class, int.class},
                "x", 1)), 1)[0];
        assertThat(get(tag, "name")).isEqualTo("x");
    }

    @Test
    void aBareMemberIsCheckedAgainstATypeVariablesBoundOrASupertype() throws Exception {
        // v1 sends int and String members bare; v2 declares them as T extends Number and CharSequence.
        Object read = context2.decode(context1.encode(pojo(v1, "evo2.Gauge", "level", 7, "label", "hot")), 1)[0];
        assertThat(get(read, "level")).isEqualTo(7);
        assertThat(get(read, "label")).isEqualTo("hot");
        assertThat(get(read, "reading")).isNull(); // a null String is no value of the wrong type
        // A String where T extends Number is declared is refused, bare as it travels.
        assertThatThrownBy(() -> context2.decode(context1.encode(pojo(v1, "evo2.Gauge", "reading", "12")), 1))
                .isInstanceOfSatisfying(SerializationException.class,
                        e -> assertThat(e.refusal().limit()).isEqualTo(DecodeRefusedException.Limit.DECLARED_TYPE))
                .hasMessageContaining("evo2.Gauge.reading: a java.lang.String where T is declared");
    }
}
