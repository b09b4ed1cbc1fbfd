package io.swivel.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Deserialization attacks (see {@link DeserializationAttack}), (b): a few bytes declaring a huge
 * array, string, collection or map, at the top level and nested in a POJO field, a record
 * component, a list element and a map entry; refused without the allocation.
 */
class DeserializationLengthTest extends DeserializationAttack {

    /** Bytes all threads together may allocate while one lying request is served. */
    static final long ALLOCATION_BOUND = 16L << 20;

    /** The most bytes any one lying request cost all threads, for the report. */
    static final AtomicLong mostAllocated = new AtomicLong();

    @AfterAll
    static void report() {
        System.out.printf("DeserializationLengthTest: the costliest lying request allocated %,d bytes in all threads"
                + " (bound %,d)%n", mostAllocated.get(), ALLOCATION_BOUND);
    }

    /** Just under 2^31: more than any heap. */
    private static final int HUGE = Integer.MAX_VALUE - 1;
    /** 2^26: would fit the test heap (64 MiB of bytes, 256 MiB of ints), so believing it shows. */
    private static final int LARGE = 1 << 26;

    /** One lying leaf: the class it claims and its few bytes, with an honest twin for the control. */
    record Lie(String what, Consumer<HostileBodies> lie, Consumer<HostileBodies> honest) {
        @Override
        public String toString() {
            return what;
        }
    }

    private static Lie intArray(int n) {
        return new Lie("int[" + n + "]", b -> b.className("[I").raw(o -> o.writeVarInt(n, true)),
                b -> b.className("[I").raw(o -> {
                    o.writeVarInt(3, true);
                    o.writeVarInt(1, false);
                    o.writeVarInt(2, false);
                }));
    }

    private static Lie byteArray(int n) {
        return new Lie("byte[" + n + "]", b -> b.className("[B").raw(o -> o.writeVarInt(n, true)),
                b -> b.className("[B").raw(o -> {
                    o.writeVarInt(4, true);
                    o.writeBytes(new byte[] {1, 2, 3});
                }));
    }

    private static Lie string(int n) {
        return new Lie("String of " + n + " chars", b -> b.classId(HostileBodies.STRING_ID).raw(o -> {
            o.writeVarIntFlag(true, n, true);
            o.writeByte('x');
        }), b -> b.string("ok"));
    }

    private static Lie list(int n) {
        return new Lie("ArrayList of " + n, b -> b.className(ARRAY_LIST).raw(o -> o.writeVarIntFlag(false, n, true)),
                b -> b.collection(ARRAY_LIST, e -> e.string("a"), e -> e.string("b")));
    }

    private static Lie map(int n) {
        return new Lie("HashMap of " + n, b -> b.className(HASH_MAP).raw(o -> o.writeVarInt(n, true)),
                b -> b.map(HASH_MAP, k -> k.string("k"), v -> v.string("v")));
    }

    /** Where a lie goes, and the method whose argument holds it. */
    record Spot(String where, String method, java.util.function.Function<Consumer<HostileBodies>, byte[]> body) {
        @Override
        public String toString() {
            return where;
        }
    }

    static Stream<Arguments> lies() {
        List<Arguments> all = new ArrayList<>();
        for (int n : new int[] {HUGE, LARGE}) {
            // top level: the argument itself
            all.add(Arguments.of(new Spot("argument", "sum", HostileBodies::body), intArray(n)));
            all.add(Arguments.of(new Spot("argument", "echo", HostileBodies::body), string(n)));
            all.add(Arguments.of(new Spot("argument", "count", HostileBodies::body), list(n)));
            all.add(Arguments.of(new Spot("argument", "size", HostileBodies::body), map(n)));
            // a POJO field
            all.add(Arguments.of(new Spot("Parcel.numbers", "parcel",
                    v -> HostileBodies.body(b -> b.object(PARCEL, "label", l -> l.string("p"), "numbers", v))), intArray(n)));
            all.add(Arguments.of(new Spot("Parcel.label", "parcel",
                    v -> HostileBodies.body(b -> b.object(PARCEL, "label", v))), string(n)));
            all.add(Arguments.of(new Spot("Parcel.tags", "parcel",
                    v -> HostileBodies.body(b -> b.object(PARCEL, "tags", v))), list(n)));
            all.add(Arguments.of(new Spot("Parcel.counts", "parcel",
                    v -> HostileBodies.body(b -> b.object(PARCEL, "counts", v))), map(n)));
            // a record component
            all.add(Arguments.of(new Spot("Envelope.payload", "envelope",
                    v -> HostileBodies.body(b -> b.object(ENVELOPE, "label", l -> l.string("e"), "payload", v))),
                    byteArray(n)));
            all.add(Arguments.of(new Spot("Envelope.label", "envelope",
                    v -> HostileBodies.body(b -> b.object(ENVELOPE, "label", v))), string(n)));
            all.add(Arguments.of(new Spot("Envelope.tags", "envelope",
                    v -> HostileBodies.body(b -> b.object(ENVELOPE, "tags", v))), list(n)));
            // a list element
            for (Lie lie : List.of(string(n), list(n), intArray(n), map(n))) {
                all.add(Arguments.of(new Spot("list element", "count",
                        v -> HostileBodies.body(b -> b.collection(ARRAY_LIST, e -> e.string("first"), v))), lie));
            }
            // a map key and a map value
            for (Lie lie : List.of(string(n), list(n), byteArray(n), map(n))) {
                all.add(Arguments.of(new Spot("map value", "size",
                        v -> HostileBodies.body(b -> b.map(HASH_MAP, k -> k.string("k"), v))), lie));
                all.add(Arguments.of(new Spot("map key", "size",
                        v -> HostileBodies.body(b -> b.map(HASH_MAP, v, x -> x.string("x")))), lie));
            }
            // deeper: a POJO field inside a record component inside a list element
            all.add(Arguments.of(new Spot("list > Envelope.parcel > Parcel.numbers", "count",
                    v -> HostileBodies.body(b -> b.collection(ARRAY_LIST,
                            e -> e.object(ENVELOPE, "parcel", p -> p.object(PARCEL, "numbers", v))))), intArray(n)));
        }
        return all.stream();
    }

    private static long allocatedByAllThreads() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long total = 0;
        for (long allocated : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            total += Math.max(0, allocated);
        }
        return total;
    }

    @ParameterizedTest(name = "{1} as {0}")
    @MethodSource("lies")
    void aLyingLengthIsABadRequestWithoutTheAllocation(Spot spot, Lie lie) throws Exception {
        assertThat(vault(spot.method(), spot.body().apply(lie.honest())).status())
                .as("control: an honest value in the same place").isEqualTo(Status.OK);

        byte[] body = spot.body().apply(lie.lie());
        assertThat(body.length).as("the attack is a few bytes").isLessThan(200);
        long before = allocatedByAllThreads();
        ResponseFrame response = vault(spot.method(), body);
        long allocated = allocatedByAllThreads() - before;
        mostAllocated.accumulateAndGet(allocated, Math::max);

        assertThat(response.status()).as("answer to %s", HexFormat.of().formatHex(body)).isEqualTo(Status.BAD_REQUEST);
        assertThat(response.bodyAsMessage()).doesNotContain("Error").contains("declared").contains("bytes left");
        assertThat(allocated).as("bytes allocated by all threads while serving %s", HexFormat.of().formatHex(body))
                .isLessThan(ALLOCATION_BOUND);
    }
}
