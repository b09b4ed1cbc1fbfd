package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swivel.testing.JavaSources;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accessor {@link HiddenAccessors} generates, as a serializer makes it: private fields of each
 * kind read typed and boxed and set, final fields, a superclass field and one a subclass hides,
 * values and targets of the wrong class, nulls, records, and a class whose loader cannot see this
 * package, as a bundle's cannot.
 */
class HiddenAccessorsTest {

    static class Base {
        private String shadowed = "base";
        private int inherited = 7;
    }

    static class Sample extends Base {
        private boolean flag;
        private byte b;
        private char c;
        private short s;
        private int i;
        private long l;
        private float f;
        private double d;
        private String text;
        private Object any;
        private int[] numbers;
        private List<String> list;
        private String shadowed = "sample";
        private final long fixed;

        Sample() {
            this(5);
        }

        Sample(long fixed) {
            this.fixed = fixed;
        }
    }

    record Point(int x, String label, double weight) {
    }

    private static final String BASE_SHADOWED = Base.class.getName() + ".shadowed";

    private final CompatibleObjectSerializer<Sample> serializer = CompatibleObjectSerializer.of(Sample.class, false);
    private final MemberAccessor accessor = serializer.accessor;

    private int slot(String name) {
        int slot = serializer.indexOf(name);
        assertThat(slot).as(name).isNotNegative();
        return slot;
    }

    @Test
    void isAGeneratedHiddenClass() {
        assertThat(serializer.generationFailure).isNull();
        assertThat(accessor.getClass().isHidden()).isTrue();
        assertThat(accessor).isNotInstanceOf(HandleAccessor.class);
    }

    @Test
    void setsAndReadsPrivateFieldsOfEachKindTypedAndBoxed() throws Throwable {
        Sample sample = new Sample();
        int[] numbers = {1, 2};
        List<String> list = List.of("x");
        Map<String, Object> values = Map.ofEntries(Map.entry("flag", true), Map.entry("b", (byte) -3), Map.entry("c", 'z'),
                Map.entry("s", (short) 300), Map.entry("i", 70_000), Map.entry("l", 1L << 40), Map.entry("f", 1.5f),
                Map.entry("d", -2.25d), Map.entry("text", "text"), Map.entry("any", Map.of()), Map.entry("numbers", numbers),
                Map.entry("list", list), Map.entry("shadowed", "mine"));
        for (Map.Entry<String, Object> value : values.entrySet()) {
            accessor.set(sample, slot(value.getKey()), value.getValue());
        }

        assertThat(sample.flag).isTrue();
        assertThat(sample.b).isEqualTo((byte) -3);
        assertThat(sample.c).isEqualTo('z');
        assertThat(sample.s).isEqualTo((short) 300);
        assertThat(sample.i).isEqualTo(70_000);
        assertThat(sample.l).isEqualTo(1L << 40);
        assertThat(sample.f).isEqualTo(1.5f);
        assertThat(sample.d).isEqualTo(-2.25d);
        assertThat(sample.text).isEqualTo("text");
        assertThat(sample.any).isEqualTo(Map.of());
        assertThat(sample.numbers).isSameAs(numbers);
        assertThat(sample.list).isSameAs(list);
        assertThat(sample.shadowed).isEqualTo("mine");
        assertThat(accessor.getBoolean(sample, slot("flag"))).isTrue();
        assertThat(accessor.getByte(sample, slot("b"))).isEqualTo((byte) -3);
        assertThat(accessor.getChar(sample, slot("c"))).isEqualTo('z');
        assertThat(accessor.getShort(sample, slot("s"))).isEqualTo((short) 300);
        assertThat(accessor.getInt(sample, slot("i"))).isEqualTo(70_000);
        assertThat(accessor.getLong(sample, slot("l"))).isEqualTo(1L << 40);
        assertThat(accessor.getFloat(sample, slot("f"))).isEqualTo(1.5f);
        assertThat(accessor.getDouble(sample, slot("d"))).isEqualTo(-2.25d);
        for (Map.Entry<String, Object> value : values.entrySet()) {
            assertThat(accessor.get(sample, slot(value.getKey()))).as(value.getKey()).isEqualTo(value.getValue());
        }
    }

    @Test
    void aTypedGetterRefusesASlotOfAnotherTypeAndEveryMethodASlotOutOfRange() {
        Sample sample = new Sample();

        assertThatThrownBy(() -> accessor.getInt(sample, slot("l"))).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> accessor.getLong(sample, slot("text"))).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> accessor.get(sample, serializer.names.length)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> accessor.set(sample, -1, "x")).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void readsAndSetsAFinalField() throws Throwable {
        Sample sample = new Sample(9);

        assertThat(accessor.getLong(sample, slot("fixed"))).isEqualTo(9L);
        accessor.set(sample, slot("fixed"), 3L);

        assertThat(sample.fixed).isEqualTo(3L);
        assertThat(accessor.get(sample, slot("fixed"))).isEqualTo(3L);
    }

    @Test
    void reachesASuperclassFieldAndTheOneASubclassFieldHides() throws Throwable {
        Sample sample = new Sample();

        accessor.set(sample, slot(BASE_SHADOWED), "base, set");
        accessor.set(sample, slot("inherited"), 8);

        assertThat(((Base) sample).shadowed).isEqualTo("base, set");
        assertThat(sample.shadowed).isEqualTo("sample");
        assertThat(accessor.get(sample, slot(BASE_SHADOWED))).isEqualTo("base, set");
        assertThat(accessor.get(sample, slot("shadowed"))).isEqualTo("sample");
        assertThat(accessor.getInt(sample, slot("inherited"))).isEqualTo(8);
    }

    @Test
    void aValueOrTargetOfTheWrongClassIsAClassCastExceptionTheSerializerWraps() {
        Sample sample = new Sample();

        assertThatThrownBy(() -> accessor.set(sample, slot("text"), 42)).isInstanceOf(ClassCastException.class)
                .hasMessageContaining("java.lang.Integer").hasMessageContaining("java.lang.String");
        assertThatThrownBy(() -> accessor.set(sample, slot("i"), 42L)).isInstanceOf(ClassCastException.class);
        assertThatThrownBy(() -> accessor.set(sample, slot("numbers"), new long[1])).isInstanceOf(ClassCastException.class);
        assertThatThrownBy(() -> accessor.get(new Base(), slot("text"))).isInstanceOf(ClassCastException.class);
        assertThatThrownBy(() -> serializer.set(sample, slot("text"), 42)).isInstanceOf(com.esotericsoftware.kryo.KryoException.class)
                .hasMessageStartingWith("cannot set field text of " + Sample.class.getName() + ": java.lang.ClassCastException")
                .hasCauseInstanceOf(ClassCastException.class);
        assertThat(sample.text).isNull();
        assertThat(sample.i).isZero();
    }

    @Test
    void nullSetsAReferenceAndIsRefusedForAPrimitiveOrAsTarget() throws Throwable {
        Sample sample = new Sample();
        sample.text = "was";
        sample.i = 4;

        accessor.set(sample, slot("text"), null);

        assertThat(sample.text).isNull();
        assertThat(accessor.get(sample, slot("any"))).isNull();
        assertThatThrownBy(() -> accessor.set(sample, slot("i"), null)).isInstanceOf(NullPointerException.class);
        assertThat(sample.i).isEqualTo(4);
        assertThatThrownBy(() -> accessor.getInt(null, slot("i"))).isInstanceOf(NullPointerException.class);
    }

    @Test
    void readsRecordComponentsButDoesNotSetThem() throws Throwable {
        CompatibleRecordSerializer<Point> points = CompatibleRecordSerializer.of(Point.class, false);
        Point point = new Point(3, "p", 0.5);

        assertThat(points.generationFailure).isNull();
        assertThat(points.accessor.getInt(point, points.indexOf("x"))).isEqualTo(3);
        assertThat(points.accessor.get(point, points.indexOf("label"))).isEqualTo("p");
        assertThat(points.accessor.getDouble(point, points.indexOf("weight"))).isEqualTo(0.5);
        assertThatThrownBy(() -> points.accessor.set(point, 0, 4)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void worksForAClassWhoseLoaderCannotSeeThisPackage(@TempDir Path dir) throws Throwable {
        Path classes = JavaSources.compile(dir, Map.of("com.example.Isolated", """
                package com.example;
                public class Isolated {
                    private int count = 3;
                    private String name;
                }
                """), List.of());
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> isolated = loader.loadClass("com.example.Isolated");
            CompatibleObjectSerializer<?> isolatedSerializer = CompatibleObjectSerializer.of(isolated, false);
            MemberAccessor generated = isolatedSerializer.accessor;
            Object target = isolated.getConstructor().newInstance();

            generated.set(target, isolatedSerializer.indexOf("name"), "named");
            generated.set(target, isolatedSerializer.indexOf("count"), 11);

            assertThatThrownBy(() -> loader.loadClass(MemberAccessor.class.getName()))
                    .isInstanceOf(ClassNotFoundException.class);
            assertThat(isolatedSerializer.generationFailure).isNull();
            assertThat(generated.getInt(target, isolatedSerializer.indexOf("count"))).isEqualTo(11);
            assertThat(generated.get(target, isolatedSerializer.indexOf("name"))).isEqualTo("named");
        }
    }
}
