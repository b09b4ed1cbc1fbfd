package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kryo "few bytes claim gigabytes" attack, at the top level and nested inside every kind of
 * container a body can hold: a POJO field, a record component, a list element, a map key and a
 * map value, and inside a POJO inside a record inside a list. Each body is a handful of bytes
 * whose leaf declares 2<sup>31</sup> or 2<sup>25</sup> elements or characters. Decoding must fail
 * with {@link SerializationException} with no {@link Error} among its causes (Kryo wraps an
 * {@link OutOfMemoryError} raised inside a field in a {@code KryoException}, so "it failed" alone
 * proves nothing), and allocate less than {@value #ALLOCATION_BOUND} bytes on the decoding thread
 * (believing a 2<sup>25</sup> lie allocates 32 MiB to 256 MiB, which a test heap can hold and the
 * thread's allocation counter shows).
 *
 * <p>The bodies are written by a Kryo set up exactly like a context's (the same serializers for
 * POJOs and records, so the containers' bytes are what the product writes) whose only difference
 * is that a {@link Lie} leaf writes a class name and a lying length instead of a value.
 */
class LengthLieTest {

    /** Bytes the decoding thread may allocate for one of these bodies, Kryo's own state included. */
    static final long ALLOCATION_BOUND = 1 << 20;

    /** More than any heap: an honest attempt fails with OutOfMemoryError (which Kryo would wrap). */
    private static final int HUGE = Integer.MAX_VALUE - 1;
    /** Fits a test heap: an honest attempt succeeds and shows in the thread's allocated bytes. */
    private static final int LARGE = 1 << 25;

    interface Target {
        void take(Holder holder, Box box, List<Object> list, Map<Object, Object> map);
    }

    /** A POJO whose field can hold the leaf. */
    static class Holder {
        String before = "b";
        Object value;
        int after = 7;
    }

    /** A record whose component can hold the leaf. */
    record Box(String before, Object value, int after) {
    }

    /**
     * A leaf that the hostile encoder writes as {@code claimed}'s class followed by {@code lie}
     * instead of as itself.
     */
    record Lie(Class<?> claimed, Consumer<Output> lie, String what) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Lie> lies() {
        return Stream.of(HUGE, LARGE).flatMap(LengthLieTest::lies);
    }

    private static Stream<Lie> lies(int n) {
        String size = n == HUGE ? "2^31" : "2^25";
        return Stream.of(
                new Lie(int[].class, o -> o.writeVarInt(n, true), "int[" + size + "]"),
                new Lie(long[].class, o -> o.writeVarInt(n, true), "long[" + size + "]"),
                new Lie(byte[].class, o -> o.writeVarInt(n, true), "byte[" + size + "]"),
                new Lie(char[].class, o -> o.writeVarInt(n, true), "char[" + size + "]"),
                new Lie(String[].class, o -> o.writeVarInt(n, true), "String[" + size + "]"),
                new Lie(Object[].class, o -> o.writeVarInt(n, true), "Object[" + size + "]"),
                new Lie(String.class, o -> {
                    o.writeVarIntFlag(true, n, true); // a UTF-8 string of n - 1 chars
                    o.writeByte('x');
                }, "String of " + size + " chars"),
                new Lie(ArrayList.class, o -> o.writeVarInt(n, true), "ArrayList of " + size),
                new Lie(HashMap.class, o -> o.writeVarInt(n, true), "HashMap of " + size),
                new Lie(BigInteger.class, o -> o.writeVarInt(n, true), "BigInteger of " + size + " bytes"));
    }

    static Stream<Arguments> placements() {
        Map<String, Function<Object, Object>> wrappers = new java.util.LinkedHashMap<>();
        wrappers.put("top level", leaf -> leaf);
        wrappers.put("POJO field", leaf -> {
            Holder holder = new Holder();
            holder.value = leaf;
            return holder;
        });
        wrappers.put("record component", leaf -> new Box("b", leaf, 7));
        wrappers.put("list element", leaf -> new ArrayList<>(List.of("a", leaf, "c")));
        wrappers.put("map value", leaf -> new HashMap<>(Map.of("k", leaf)));
        wrappers.put("map key", leaf -> new HashMap<>(Map.of(leaf, "v")));
        wrappers.put("POJO in record in list", leaf -> {
            Holder holder = new Holder();
            holder.value = leaf;
            return new ArrayList<>(List.of(new Box("b", holder, 1)));
        });
        return wrappers.entrySet().stream().flatMap(w -> lies().map(lie -> Arguments.of(w.getKey(), lie, w.getValue())));
    }

    private static SerializationContext context() {
        return SerializationContext.create(LengthLieTest.class.getClassLoader(),
                TypeAllowlist.forServices(List.of(Target.class)), 1 << 20);
    }

    @ParameterizedTest(name = "{1} as {0}")
    @MethodSource("placements")
    void aLyingLengthIsRefusedWithoutAllocatingIt(String where, Lie lie, Function<Object, Object> wrap) {
        SerializationContext context = context();
        Object honest = wrap.apply(new int[] {1, 2, 3});
        assertThat(context.decode(context.encode(honest), 1)).hasSize(1); // control: the container decodes

        byte[] body = hostile(wrap.apply(lie));
        assertThat(body.length).as("the attack is a few bytes").isLessThan(200);

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        Throwable thrown = catchAll(() -> context.decode(body, 1));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(thrown).as("decoding %s", HexFormat.of().formatHex(body)).isInstanceOf(SerializationException.class);
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            assertThat(t).as("a cause of the refusal of %s", HexFormat.of().formatHex(body)).isNotInstanceOf(Error.class);
        }
        assertThat(allocated).as("bytes allocated decoding %s", HexFormat.of().formatHex(body))
                .isLessThan(ALLOCATION_BOUND);
        // The pooled Kryo is fine afterwards.
        assertThat(context.decode(context.encode(honest), 1)).hasSize(1);
    }

    @ParameterizedTest(name = "{1} as {0}")
    @MethodSource("placements")
    void theSameBodyWithAnHonestLeafDecodes(String where, Lie lie, Function<Object, Object> wrap) {
        // Proves the hostile encoder writes the product's format: only the leaf differs.
        SerializationContext context = context();
        Lie honestLeaf = new Lie(String.class, o -> o.writeString("honest"), "a String");
        Object[] decoded = context.decode(hostile(wrap.apply(honestLeaf)), 1);
        assertThat(decoded).hasSize(1);
        assertThat(decoded[0]).usingRecursiveComparison().isEqualTo(wrap.apply("honest"));
    }

    private static Throwable catchAll(Runnable action) {
        try {
            action.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** Encodes one value as a context does, except that a {@link Lie} is written as its lie. */
    static byte[] hostile(Object value) {
        Kryo kryo = new Kryo(new DefaultClassResolver() {
            @Override
            @SuppressWarnings("rawtypes")
            public Registration writeClass(Output output, Class type) {
                if (type == Lie.class) {
                    return kryo.getRegistration(type); // the Lie's serializer writes the claimed class
                }
                return super.writeClass(output, type);
            }
        }, null);
        kryo.setRegistrationRequired(false);
        kryo.setReferences(false);
        SerializationContext.configureSerializers(kryo);
        kryo.register(Lie.class, new Serializer<Lie>() {
            @Override
            public void write(Kryo k, Output output, Lie lie) {
                k.writeClass(output, lie.claimed());
                lie.lie().accept(output);
            }

            @Override
            public Lie read(Kryo k, Input input, Class<? extends Lie> type) {
                throw new UnsupportedOperationException("write only");
            }
        });
        Output out = new Output(256, -1);
        out.writeVarInt(1, true);
        kryo.writeClassAndObject(out, value);
        return out.toBytes();
    }
}
