package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swivel.protocol.kryo.Bodies.RecordingLoader;
import io.swivel.protocol.kryo.fixture.Budgie;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TypeAllowlistTest {

    private static final ClassLoader TEST_LOADER = TypeAllowlistTest.class.getClassLoader();
    private static final int MAX_BODY = 1 << 20;
    private static final String BUDGIE = "io.swivel.protocol.kryo.fixture.Budgie";
    private static final String CANARY = "io.swivel.protocol.kryo.fixture.Canary";

    // --- what forServices reaches -------------------------------------------------------------

    interface Reach {
        Dto call(Map<String, List<MapElement>> map, Holder<Argument>[] holders, Box<? extends Upper> upper,
                 Box<? super Lower> lower, int primitive, long[] primitives) throws Oops;

        CompletableFuture<AsyncResult> later();

        Future<FutureResult> future();

        <T extends Bound> T bounded(T value);

        static Unreached notAnOperation() {
            return null;
        }
    }

    static class Base {
        BaseField baseField;
    }

    static class Dto extends Base {
        FieldType field;
        ArrayElement[] array;
        Rec record;
        static StaticOnly staticField;
        transient TransientOnly transientField;
    }

    record Rec(Component component, List<ComponentElement> elements) {
    }

    static class Holder<T> {
        T value;
    }

    static class Box<T> {
        T value;
    }

    static class Oops extends Exception {
        private static final long serialVersionUID = 1L;
        transient Secret secret;
        ExceptionField field;
    }

    static class BaseField { }
    static class FieldType { }
    static class ArrayElement { }
    static class Component { }
    static class ComponentElement { }
    static class MapElement { }
    static class Argument { }
    static class Upper { }
    static class Lower { }
    static class AsyncResult { }
    static class FutureResult { }
    static class Bound { }
    static class StaticOnly { }
    static class TransientOnly { }
    static class Unreached { }
    static class Secret { }
    static class ExceptionField { }

    private static String name(Class<?> type) {
        return type.getName();
    }

    @Test
    void reachesEveryTypeBehindTheMethods() {
        TypeAllowlist allowlist = TypeAllowlist.forServices(List.of(Reach.class));

        for (Class<?> reached : List.of(Dto.class, Base.class, BaseField.class, FieldType.class, ArrayElement.class,
                Rec.class, Component.class, ComponentElement.class, MapElement.class, Holder.class, Argument.class,
                Box.class, Upper.class, Lower.class, Oops.class, AsyncResult.class, FutureResult.class,
                Bound.class)) {
            assertThat(allowlist.allows(name(reached))).as("%s reachable", reached.getSimpleName()).isTrue();
        }
        for (Class<?> unreached : List.of(StaticOnly.class, TransientOnly.class, Unreached.class, Secret.class,
                ExceptionField.class, CompletableFuture.class, Future.class, Reach.class, Object.class)) {
            assertThat(allowlist.allows(name(unreached))).as("%s not reachable", unreached.getSimpleName()).isFalse();
        }
        assertThat(allowlist.classNames()).isSorted().contains(name(Dto.class), "java.lang.String");
    }

    @Test
    void arrayNamesAreAllowedWhenTheirElementIs() {
        TypeAllowlist allowlist = TypeAllowlist.forServices(List.of(Reach.class));

        assertThat(allowlist.allows("[L" + name(Dto.class) + ";")).isTrue();
        assertThat(allowlist.allows("[[L" + name(Dto.class) + ";")).isTrue();
        assertThat(allowlist.allows("[Ljava.lang.String;")).isTrue();
        for (String primitive : List.of("[Z", "[B", "[C", "[S", "[I", "[J", "[F", "[D", "[[I")) {
            assertThat(allowlist.allows(primitive)).as(primitive).isTrue();
        }
        for (String refused : List.of("[L" + name(Unreached.class) + ";", "[L" + name(Dto.class), "[V", "[X", "[",
                "[[", "L" + name(Dto.class) + ";", "[Ljava.lang.ProcessBuilder;", "")) {
            assertThat(allowlist.allows(refused)).as(refused).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"java.lang.String", "java.lang.Integer", "java.math.BigDecimal", "java.util.UUID",
            "java.time.Instant", "java.util.ArrayList", "java.util.HashMap", "java.util.Optional",
            "java.util.ImmutableCollections$ListN", "java.util.ImmutableCollections$List12"})
    void wellKnownJdkValueTypesAreAllowedForEveryService(String jdkType) {
        assertThat(TypeAllowlist.forServices(List.of()).allows(jdkType)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"java.lang.ProcessBuilder", "java.lang.Runtime", "java.lang.Object", "java.lang.Class",
            "java.lang.Thread", "java.util.PriorityQueue", "java.net.URL", "javax.management.BadAttributeValueExpException",
            "javax.script.ScriptEngineManager", "com.sun.rowset.JdbcRowSetImpl",
            "org.apache.commons.collections.functors.InvokerTransformer",
            "org.springframework.beans.factory.ObjectFactory", "io.swivel.protocol.kryo.fixture.Canary"})
    void nothingElseIsAllowed(String className) {
        TypeAllowlist allowlist = TypeAllowlist.forServices(List.of(Reach.class, Aviary.class));
        assertThat(allowlist.allows(className)).isFalse();
        assertThat(allowlist.classNames()).doesNotContain(className);
    }

    // --- refusing a body that names a class outside the list ------------------------------------

    interface Aviary {
        Budgie feed(Budgie budgie);

        Cage cage(Cage cage);

        Perch perch(Perch perch);

        List<Budgie> flock(List<Budgie> flock);

        Map<String, Budgie> census(Map<String, Budgie> census);

        Budgie[] row(Budgie[] row);
    }

    static class Cage {
        Budgie bird;
    }

    record Perch(Budgie bird) {
    }

    private static SerializationContext aviary(ClassLoader loader) {
        return SerializationContext.create(loader, TypeAllowlist.forServices(List.of(Aviary.class)), MAX_BODY);
    }

    @Test
    void aBodyNamingAnUnreachableClassIsRefusedBeforeTheClassIsLoaded() {
        RecordingLoader loader = new RecordingLoader(TEST_LOADER);
        SerializationContext context = aviary(loader);

        byte[] encoded = context.encode(new Budgie("tweet"));
        byte[] header = Bodies.oneNamedValue(BUDGIE, new byte[0]);
        assertThat(encoded).as("the hand-made header is what Kryo writes").startsWith(header);
        byte[] budgieFields = Arrays.copyOfRange(encoded, header.length, encoded.length);
        byte[] handMade = Bodies.oneNamedValue(BUDGIE, budgieFields);
        assertThat(handMade).containsExactly(encoded);

        // Control: the hand-made body decodes, and the class is looked up through the context's loader.
        assertThat(context.decode(handMade, 1)).containsExactly(new Budgie("tweet"));
        assertThat(loader.requested).contains(BUDGIE);

        byte[] canary = Bodies.oneNamedValue(CANARY, budgieFields);
        assertThatThrownBy(() -> context.decode(canary, 1)).isInstanceOfSatisfying(SerializationException.class,
                e -> assertThat(e.refusedClass()).isEqualTo(CANARY));
        assertThat(loader.requested).doesNotContain(CANARY);
        assertThat(System.getProperty("swivel.canary.loaded")).as("Canary was initialized").isNull();
    }

    static Stream<Arguments> containers() {
        Function<Budgie, Object> cage = b -> {
            Cage c = new Cage();
            c.bird = b;
            return c;
        };
        return Stream.of(
                Arguments.of("list element", (Function<Budgie, Object>) b -> new ArrayList<>(List.of(b)), BUDGIE, CANARY),
                Arguments.of("immutable list element", (Function<Budgie, Object>) List::of, BUDGIE, CANARY),
                Arguments.of("map value", (Function<Budgie, Object>) b -> new HashMap<>(Map.of("k", b)), BUDGIE, CANARY),
                Arguments.of("field", cage, BUDGIE, CANARY),
                Arguments.of("record component", (Function<Budgie, Object>) Perch::new, BUDGIE, CANARY),
                Arguments.of("array element", (Function<Budgie, Object>) b -> new Budgie[] {b}, BUDGIE, CANARY),
                Arguments.of("array class", (Function<Budgie, Object>) b -> new Budgie[] {null},
                        "[L" + BUDGIE + ";", "[L" + CANARY + ";"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("containers")
    void aRefusedClassIsRefusedWhereverItIsNested(String where, Function<Budgie, Object> wrap, String allowedName,
                                                  String refusedName) {
        RecordingLoader loader = new RecordingLoader(TEST_LOADER);
        SerializationContext context = aviary(loader);
        byte[] body = context.encode(wrap.apply(new Budgie("tweet")));
        assertThat(context.decode(body, 1)).hasSize(1); // control

        byte[] hostile = Bodies.replaceName(body, allowedName, refusedName);
        assertThatThrownBy(() -> context.decode(hostile, 1)).isInstanceOfSatisfying(SerializationException.class,
                e -> assertThat(e.refusedClass()).isEqualTo(refusedName));
        assertThat(loader.requested).noneMatch(n -> n.contains("Canary"));
        assertThat(System.getProperty("swivel.canary.loaded")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"org.apache.commons.collections.functors.InvokerTransformer", "java.lang.ProcessBuilder",
            "javax.management.BadAttributeValueExpException", "java.util.PriorityQueue", "java.lang.Runtime",
            "com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl", "[Ljava.lang.ProcessBuilder;"})
    void knownGadgetsAreRefusedWithoutBeingLoaded(String gadget) {
        RecordingLoader loader = new RecordingLoader(TEST_LOADER);
        SerializationContext context = aviary(loader);

        byte[] body = Bodies.oneNamedValue(gadget, new byte[] {1, 2, 3, 4});
        assertThatThrownBy(() -> context.decode(body, 1)).isInstanceOfSatisfying(SerializationException.class,
                e -> assertThat(e.refusedClass()).isEqualTo(gadget));
        assertThat(loader.requested).doesNotContain(gadget);
    }

    static class Stranger {
        String name = "unknown";
    }

    static class SpecialBudgie extends Budgie {
        SpecialBudgie() {
            super("special");
        }
    }

    @Test
    void theSendingSideEncodesAnythingButTheReceivingSideRefusesWhatItsInterfacesDoNotReach() {
        SerializationContext context = aviary(TEST_LOADER);

        byte[] stranger = context.encode(new Stranger());
        assertThatThrownBy(() -> context.decode(stranger, 1)).isInstanceOfSatisfying(SerializationException.class,
                e -> assertThat(e.refusedClass()).isEqualTo(Stranger.class.getName()));

        byte[] subclass = context.encode(new SpecialBudgie());
        assertThatThrownBy(() -> context.decode(subclass, 1)).isInstanceOfSatisfying(SerializationException.class,
                e -> assertThat(e.refusedClass()).isEqualTo(SpecialBudgie.class.getName()));
    }

    @Test
    void aFailureThatIsNotARefusalNamesNoRefusedClass() {
        SerializationContext context = aviary(TEST_LOADER);
        byte[] body = context.encode("a", "b");
        assertThatThrownBy(() -> context.decode(body, 1)).isInstanceOfSatisfying(SerializationException.class,
                e -> assertThat(e.refusedClass()).isNull());
    }
}
