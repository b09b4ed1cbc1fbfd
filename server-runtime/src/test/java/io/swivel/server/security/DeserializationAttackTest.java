package io.swivel.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import io.swivel.protocol.Frame;
import io.swivel.protocol.RequestFrame;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import io.swivel.protocol.kryo.SerializationContext;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Deserialization attacks over the wire against a live server with real bundles: (a) class names
 * outside the allowlist, gadgets and canaries, wherever they sit in a body; (b) a few bytes
 * declaring a huge array, string, collection or map, at the top level and nested in a POJO
 * field, a record component, a list element and a map entry; (c) nesting far deeper than any
 * honest call and a self-referential graph. Each is answered {@code BAD_REQUEST} on a connection
 * that stays usable, and each has a control: the same body with an honest value is answered
 * {@code OK} with the right result, so the hostile bytes are refused for what they say, not
 * for being malformed.
 */
@Timeout(120)
class DeserializationAttackTest {

    /** Bytes all threads together may allocate while one lying request is served. */
    static final long ALLOCATION_BOUND = 16L << 20;

    private static final String PARCEL = Parcel.class.getName();
    private static final String ENVELOPE = Envelope.class.getName();
    private static final String ARRAY_LIST = "java.util.ArrayList";
    private static final String HASH_MAP = "java.util.HashMap";
    private static final String SERVER_CANARY = "io.swivel.server.security.ServerCanary";

    @TempDir
    static Path root;

    static SecurityServer live;
    static WireConnection wire;
    static final AtomicLong ids = new AtomicLong();
    /** The most bytes any one lying request cost all threads, for the report. */
    static final AtomicLong mostAllocated = new AtomicLong();

    @BeforeAll
    static void start() throws Exception {
        live = SecurityServer.start(root);
        wire = new WireConnection(live.address());
        assertThat(live.vault.echo("up")).isEqualTo("echo:up");
    }

    @AfterAll
    static void stop() throws Exception {
        System.out.printf("DeserializationAttackTest: the costliest lying request allocated %,d bytes in all threads"
                + " (bound %,d)%n", mostAllocated.get(), ALLOCATION_BOUND);
        if (wire != null) {
            wire.close();
        }
        if (live != null) {
            live.close();
        }
    }

    /** Sends one request on the shared raw connection and returns its answer. */
    private static ResponseFrame call(String service, String method, byte[] body) throws Exception {
        long id = ids.incrementAndGet();
        Class<?> api = service.equals(VaultBundle.SERVICE) ? Vault.class : io.swivel.samples.greeter.Greeter.class;
        wire.send(SecurityServer.bytes(new RequestFrame(id, service, SecurityServer.methodKey(api, method), "", 30_000, body)));
        Frame frame = wire.read();
        assertThat(frame).as("the answer to request %d (the connection closed instead)", id).isInstanceOf(ResponseFrame.class);
        assertThat(frame.requestId()).isEqualTo(id);
        return (ResponseFrame) frame;
    }

    private static ResponseFrame vault(String method, byte[] body) throws Exception {
        return call(VaultBundle.SERVICE, method, body);
    }

    private static Object ok(ResponseFrame response) {
        assertThat(response.status()).as("%s", response.status() == Status.OK ? "" : response.bodyAsMessage())
                .isEqualTo(Status.OK);
        return live.encoding.decode(response.body(), 1)[0];
    }

    private static void assertServerFine() {
        assertThat(live.vault.echo("still fine")).isEqualTo("echo:still fine");
        assertThat(live.greeter.greet("Ada")).isEqualTo("Hello, Ada (v1)");
    }

    // --- (a) classes outside the allowlist --------------------------------------------------------

    static final List<String> REFUSED = List.of(
            "org.apache.commons.collections.functors.InvokerTransformer",
            "org.apache.commons.collections4.functors.InstantiateTransformer",
            "com.sun.rowset.JdbcRowSetImpl",
            "java.net.URL",
            "java.net.InetAddress",
            "org.springframework.beans.factory.ObjectFactory",
            "org.springframework.aop.framework.AdvisedSupport",
            "com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl",
            "javax.management.BadAttributeValueExpException",
            "java.util.PriorityQueue",
            "java.lang.ProcessBuilder",
            "[Ljava.lang.ProcessBuilder;",
            SERVER_CANARY,
            VaultBundle.CANARY);

    /**
     * A body for one vault method that carries, somewhere inside, a value of class {@code named}
     * shaped like {@code Canary} (one String field, {@code payload}).
     */
    record Placement(String where, String method, java.util.function.Function<Consumer<HostileBodies>, byte[]> body,
                     Object honestAnswer) {
        @Override
        public String toString() {
            return where;
        }
    }

    static List<Placement> placements() {
        return List.of(
                new Placement("argument", "echo", v -> HostileBodies.body(v), "echo:ok"),
                new Placement("POJO field", "parcel",
                        v -> HostileBodies.body(b -> b.object(PARCEL, "label", v)), "ok/-1/-1/0/1"),
                new Placement("record component", "envelope",
                        v -> HostileBodies.body(b -> b.object(ENVELOPE, "label", v)), "ok/-1/-1/-"),
                new Placement("list element", "count",
                        v -> HostileBodies.body(b -> b.collection(ARRAY_LIST, e -> e.string("a"), v)), 2),
                new Placement("map value", "size",
                        v -> HostileBodies.body(b -> b.map(HASH_MAP, k -> k.string("k"), v)), 1),
                new Placement("map key", "size",
                        v -> HostileBodies.body(b -> b.map(HASH_MAP, v, x -> x.string("x"))), 1),
                new Placement("POJO in record in list", "count",
                        v -> HostileBodies.body(b -> b.collection(ARRAY_LIST,
                                e -> e.object(ENVELOPE, "parcel", p -> p.object(PARCEL, "label", v)))), 1));
    }

    /** A value of a refused class, shaped like the canaries (one String field). */
    private static Consumer<HostileBodies> instanceOf(String className) {
        return b -> b.object(className, "payload", p -> p.string("boom"));
    }

    static Stream<Arguments> refusedEverywhere() {
        return placements().stream().flatMap(p -> REFUSED.stream().map(name -> Arguments.of(p, name)));
    }

    @ParameterizedTest(name = "{1} as {0}")
    @MethodSource("refusedEverywhere")
    void aClassOutsideTheAllowlistIsABadRequestWhereverItIs(Placement placement, String refused) throws Exception {
        Object answer = ok(vault(placement.method(), placement.body().apply(b -> b.string("ok"))));
        assertThat(answer).as("control: an honest value in the same place").isEqualTo(placement.honestAnswer());

        ResponseFrame response = vault(placement.method(), placement.body().apply(instanceOf(refused)));

        assertThat(response.status()).isEqualTo(Status.BAD_REQUEST);
        assertThat(response.bodyAsMessage()).contains(refused).contains("not allowed");
    }

    @Test
    void noRefusedClassIsLoadedOrInitialized() throws Exception {
        Path jfr = root.resolve("class-loads.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("jdk.ClassLoad").withoutThreshold();
            recording.start();
            for (Placement placement : placements()) {
                for (String refused : REFUSED) {
                    assertThat(vault(placement.method(), placement.body().apply(instanceOf(refused))).status())
                            .isEqualTo(Status.BAD_REQUEST);
                }
            }
            // Control: the recording sees a class loaded without initialization, as Kryo would load one.
            Class.forName(LoadWitness.class.getName() + "$Inner", false, getClass().getClassLoader());
            recording.stop();
            recording.dump(jfr);
        }
        List<String> loaded = new ArrayList<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
            RecordedClass type = event.getValue("loadedClass");
            if (type != null) {
                loaded.add(type.getName());
            }
        }
        assertThat(loaded).as("control").contains(LoadWitness.class.getName() + "$Inner");
        for (String refused : REFUSED) {
            String binary = refused.startsWith("[L") ? refused.substring(2, refused.length() - 1) : refused;
            assertThat(loaded).as("classes loaded during the attacks").noneMatch(n -> n.equals(binary) || n.equals(refused));
        }
        assertThat(System.getProperty(ServerCanaryProperty.NAME)).as("server canary initialized").isNull();
        assertThat(System.getProperty(VaultBundle.CANARY_INITIALIZED)).as("bundle canary initialized").isNull();
        assertServerFine();
    }

    /** Names the server canary's property without touching the canary class. */
    private static final class ServerCanaryProperty {
        static final String NAME = "swivel.security.serverCanary";
    }

    /** Loaded (not initialized) only by the control of {@link #noRefusedClassIsLoadedOrInitialized}. */
    static final class LoadWitness {
        static final class Inner {
        }
    }

    // --- (b) lengths that the bytes cannot back -----------------------------------------------------

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

    // --- (c) nesting ------------------------------------------------------------------------------------

    /** A list in a list ... {@code depth} deep, written iteratively (no encoder could recurse so far). */
    private static byte[] nestedLists(int depth) {
        Output out = new Output(4 * depth + 64, -1);
        out.writeVarInt(1, true); // one argument
        for (int level = 0; level < depth; level++) {
            out.writeVarInt(1, true); // a class by name
            out.writeVarInt(0, true); // name id 0
            if (level == 0) {
                out.writeString(ARRAY_LIST);
            }
            out.writeVarIntFlag(false, level == depth - 1 ? 1 : 2, true); // one element, or none at the bottom
        }
        return out.toBytes();
    }

    /** A Parcel whose {@code next} is a Parcel ... {@code depth} deep, each in its parent's chunk. */
    private static byte[] parcelChain(int depth) {
        Output name = new Output(16);
        name.writeString("next");
        byte[] next = name.toBytes();
        Output first = new Output(128);
        first.writeVarInt(1, true);
        first.writeVarInt(0, true);
        first.writeString(PARCEL);
        byte[] firstClass = first.toBytes();
        // sizes[k]: bytes of the parcel at level k, inside out: the innermost has no members.
        long[] sizes = new long[depth];
        for (int k = depth - 1; k >= 0; k--) {
            long classBytes = k == 0 ? firstClass.length : 2;
            sizes[k] = k == depth - 1 ? classBytes + 1
                    : classBytes + 1 + next.length + varIntLength(sizes[k + 1]) + sizes[k + 1];
        }
        Output out = new Output((int) sizes[0] + 8, -1);
        out.writeVarInt(1, true); // one argument
        for (int k = 0; k < depth; k++) {
            if (k == 0) {
                out.writeBytes(firstClass);
            } else {
                out.writeVarInt(1, true);
                out.writeVarInt(0, true);
            }
            if (k == depth - 1) {
                out.writeVarInt(0, true); // no members
            } else {
                out.writeVarInt(1, true); // one member: next
                out.writeBytes(next);
                out.writeVarInt((int) sizes[k + 1], true);
            }
        }
        return out.toBytes();
    }

    private static int varIntLength(long value) {
        int bytes = 1;
        while ((value >>>= 7) != 0) {
            bytes++;
        }
        return bytes;
    }

    @Test
    void listsNestedAHundredThousandDeepAreABadRequest() throws Exception {
        assertThat(ok(vault("depth", nestedLists(40)))).as("control").isEqualTo(40);

        byte[] body = nestedLists(100_000);
        ResponseFrame response = vault("depth", body);

        assertThat(response.status()).isEqualTo(Status.BAD_REQUEST);
        assertThat(response.bodyAsMessage()).contains("depth").doesNotContain("StackOverflow");
        assertServerFine();
    }

    @Test
    void aPojoChainAHundredThousandDeepIsABadRequest() throws Exception {
        assertThat(ok(vault("parcel", parcelChain(40)))).as("control").isEqualTo("null/-1/-1/0/40");

        ResponseFrame response = vault("parcel", parcelChain(100_000));

        assertThat(response.status()).isEqualTo(Status.BAD_REQUEST);
        assertThat(response.bodyAsMessage()).contains("depth").doesNotContain("StackOverflow");
        assertServerFine();
    }

    @ParameterizedTest
    @ValueSource(ints = {SerializationContext.MAX_DEPTH, SerializationContext.MAX_DEPTH + 1, 1_000})
    void nestingIsAcceptedUpToTheLimitAndRefusedPastIt(int depth) throws Exception {
        ResponseFrame lists = vault("depth", nestedLists(depth));
        ResponseFrame parcels = vault("parcel", parcelChain(depth));
        // Each list or parcel is one object level; MAX_DEPTH levels fit, one more does not.
        Status expected = depth <= SerializationContext.MAX_DEPTH ? Status.OK : Status.BAD_REQUEST;
        assertThat(lists.status()).isEqualTo(expected);
        assertThat(parcels.status()).isEqualTo(expected);
        if (expected == Status.OK) {
            assertThat(live.encoding.decode(lists.body(), 1)[0]).isEqualTo(depth);
            assertThat(live.encoding.decode(parcels.body(), 1)[0]).isEqualTo("null/-1/-1/0/" + depth);
        } else {
            assertThat(lists.bodyAsMessage()).contains("depth");
            assertThat(parcels.bodyAsMessage()).contains("depth");
        }
    }

    @Test
    void aSelfReferentialGraphIsABadRequest() throws Exception {
        // What a peer with Kryo references on sends for a list that contains itself; Swivel keeps
        // references off, so the back-reference can only be garbage to it.
        List<Object> self = new ArrayList<>();
        self.add(self);
        self.add("tail");
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(false);
        kryo.setReferences(true);
        Output out = new Output(64, -1);
        out.writeVarInt(1, true);
        kryo.writeClassAndObject(out, self);
        byte[] body = out.toBytes();

        ResponseFrame response = vault("depth", body);

        assertThat(response.status()).as("answer to %s", HexFormat.of().formatHex(body)).isEqualTo(Status.BAD_REQUEST);
        assertThat(response.bodyAsMessage()).doesNotContain("StackOverflow");
        assertServerFine();
    }
}
