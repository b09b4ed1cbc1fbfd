package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The described form of POJOs and records ({@link MemberSerializer}), byte by byte: bodies made
 * by hand (the first test proves they are what a context writes), descriptions that lie, and
 * what is counted against the budget.
 */
class DescribedFormTest {

    interface Api {
        Dto dto(Dto dto, Holder holder, Pair pair, List<Dto> dtos);
    }

    static class Dto {
        int age;
        String name;
    }

    static class Holder {
        int after;
        Object value;
    }

    record Pair(String left, long right) {
    }

    private static final String DTO = Dto.class.getName();
    private static final String HOLDER = Holder.class.getName();

    private static SerializationContext context() {
        return SerializationContext.create(DescribedFormTest.class.getClassLoader(),
                TypeAllowlist.forServices(List.of(Api.class)), 1 << 20);
    }

    private static Dto dto(String name, int age) {
        Dto dto = new Dto();
        dto.name = name;
        dto.age = age;
        return dto;
    }

    /** A body of one object of {@code className} (first class of the value) whose bytes {@code object} writes. */
    private static byte[] body(String className, Consumer<Output> object) {
        Output out = new Output(256, -1);
        object.accept(out);
        return Bodies.oneNamedValue(className, out.toBytes());
    }

    /** Writes a description: its length, the count, then name and kind per member ({@code "age", INT, ...}). */
    private static void describe(Output out, Object... namesAndKinds) {
        Output d = new Output(64, -1);
        d.writeVarInt(namesAndKinds.length / 2, true);
        for (int i = 0; i < namesAndKinds.length; i += 2) {
            d.writeString((String) namesAndKinds[i]);
            d.writeByte((byte) namesAndKinds[i + 1]);
        }
        out.writeVarInt(d.position(), true);
        out.writeBytes(d.getBuffer(), 0, d.position());
    }

    private static byte[] adaWith(Consumer<Output> description, Consumer<Output> values) {
        return body(DTO, out -> {
            out.writeVarInt(MemberSerializer.DESCRIBED, true);
            description.accept(out);
            values.accept(out);
        });
    }

    @Test
    void aHandMadeBodyIsWhatTheContextWrites() {
        byte[] handMade = adaWith(out -> describe(out, "age", MemberKind.INT, "name", MemberKind.STRING), out -> {
            out.writeVarInt(36, false);
            out.writeString("Ada");
        });
        assertThat(context().encode(dto("Ada", 36))).containsExactly(handMade);
        Dto decoded = (Dto) context().decode(handMade, 1)[0];
        assertThat(decoded.name).isEqualTo("Ada");
        assertThat(decoded.age).isEqualTo(36);
    }

    @Test
    void membersInAnotherOrderAndMembersUnknownHereDecode() {
        byte[] body = adaWith(out -> describe(out, "name", MemberKind.STRING, "extra", MemberKind.LONG,
                "age", MemberKind.INT, "more", MemberKind.STRING, "any", MemberKind.OBJECT), out -> {
                    out.writeString("Ada");
                    out.writeVarLong(1L << 40, false);
                    out.writeVarInt(36, false);
                    out.writeString("dropped");
                    out.writeVarInt(3, true); // a chunk of 3 bytes, skipped without reading its class
                    out.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
                });
        Dto decoded = (Dto) context().decode(body, 1)[0];
        assertThat(decoded.name).isEqualTo("Ada");
        assertThat(decoded.age).isEqualTo(36);
    }

    @Test
    void aMemberTheWriterDoesNotSendKeepsItsDefault() {
        byte[] body = adaWith(out -> describe(out, "name", MemberKind.STRING), out -> out.writeString("Ada"));
        Dto decoded = (Dto) context().decode(body, 1)[0];
        assertThat(decoded.name).isEqualTo("Ada");
        assertThat(decoded.age).isZero();
    }

    @Test
    void aValueOfAnotherKindThanTheDeclaredTypeIsRefusedAsTheNameKeyedFormRefusesIt() {
        byte[] stringForInt = adaWith(out -> describe(out, "age", MemberKind.STRING), out -> out.writeString("36"));
        assertThatThrownBy(() -> context().decode(stringForInt, 1)).isInstanceOfSatisfying(SerializationException.class,
                e -> assertThat(e.refusal().limit()).isEqualTo(DecodeRefusedException.Limit.DECLARED_TYPE))
                .hasMessageContaining("age: a java.lang.String where int is declared");

        byte[] nullForInt = adaWith(out -> describe(out, "age", MemberKind.STRING), out -> out.writeString(null));
        assertThat(((Dto) context().decode(nullForInt, 1)[0]).age).isZero(); // as a null chunk for an int

        byte[] longForInt = adaWith(out -> describe(out, "age", MemberKind.LONG), out -> out.writeVarLong(36, false));
        assertThatThrownBy(() -> context().decode(longForInt, 1)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("a java.lang.Long where int is declared");
    }

    @Test
    void moreMembersThanAnyClassHasAreRefused() {
        byte[] body = adaWith(out -> {
            Object[] members = new Object[2 * (NamedChunks.MAX_MEMBERS + 1)];
            for (int i = 0; i < members.length; i += 2) {
                members[i] = "m" + i;
                members[i + 1] = MemberKind.INT;
            }
            describe(out, members);
        }, out -> out.writeBytes(new byte[NamedChunks.MAX_MEMBERS + 1]));
        assertThatThrownBy(() -> context().decode(body, 1)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("with 1025 members");
    }

    @Test
    void aHugeMemberCountIsRefusedWithoutAllocatingIt() {
        for (int count : new int[] {Integer.MAX_VALUE - 1, 1 << 20, 40}) {
            byte[] body = adaWith(out -> {
                out.writeVarInt(6, true); // a description of six bytes claiming count members
                out.writeVarInt(count, true);
                out.writeBytes(new byte[6 - Output.varIntLength(count, true)]);
            }, out -> { });
            long allocated = allocatedBy(() -> assertThatThrownBy(() -> context().decode(body, 1))
                    .isInstanceOf(SerializationException.class));
            assertThat(allocated).as("bytes allocated refusing %s members", count).isLessThan(LengthLieTest.ALLOCATION_BOUND);
        }
    }

    private static long allocatedBy(Runnable action) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        action.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    void twoMembersOfOneNameAreRefused() {
        byte[] body = adaWith(out -> describe(out, "age", MemberKind.INT, "age", MemberKind.INT), out -> {
            out.writeVarInt(1, false);
            out.writeVarInt(2, false);
        });
        assertThatThrownBy(() -> context().decode(body, 1)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("two members named age");
    }

    @Test
    void aKindUnknownHereIsRefused() {
        byte[] body = adaWith(out -> describe(out, "age", (byte) 42), out -> out.writeByte(0));
        assertThatThrownBy(() -> context().decode(body, 1)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("of kind 42, unknown here");
    }

    @Test
    void aDescriptionLongerThanTheBodyOrLongerThanItsMembersIsRefused() {
        byte[] beyond = body(DTO, out -> {
            out.writeVarInt(MemberSerializer.DESCRIBED, true);
            out.writeVarInt(100, true);
            out.writeVarInt(0, true);
        });
        assertThatThrownBy(() -> context().decode(beyond, 1)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("declares 100 bytes, 1 left");

        byte[] slack = body(DTO, out -> {
            out.writeVarInt(MemberSerializer.DESCRIBED, true);
            out.writeVarInt(3, true); // three bytes, of which the description (count 0) uses one
            out.writeBytes(new byte[] {0, 0, 0});
        });
        assertThatThrownBy(() -> context().decode(slack, 1)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("ends 2 bytes before its length");
    }

    @Test
    void aDescriptionNumberNeverDefinedOrBeyondTheTableIsRefused() {
        byte[] never = body(DTO, out -> out.writeVarInt(MemberSerializer.DESCRIBED + 3, true));
        assertThatThrownBy(() -> context().decode(never, 1)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("description #3, never defined (0 open)");

        byte[] beyond = body(DTO, out -> out.writeVarInt(MemberSerializer.DESCRIBED + Descriptions.MAX, true));
        assertThatThrownBy(() -> context().decode(beyond, 1)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("neither a member count");

        byte[] between = body(DTO, out -> out.writeVarInt(NamedChunks.MAX_MEMBERS + 1, true));
        assertThatThrownBy(() -> context().decode(between, 1)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("neither a member count");
    }

    @Test
    void aDescriptionOfAnotherClassIsRefused() {
        // A Holder (description #0) whose value is a Dto that claims description #0.
        byte[] body = body(HOLDER, out -> {
            out.writeVarInt(MemberSerializer.DESCRIBED, true);
            describe(out, "after", MemberKind.INT, "value", MemberKind.OBJECT);
            out.writeVarInt(7, false);
            Output chunk = new Output(128, -1);
            chunk.writeVarInt(DefaultClassResolver.NAME + 2, true);
            chunk.writeVarInt(1, true); // the value's second class name
            chunk.writeAscii(DTO);
            chunk.writeVarInt(MemberSerializer.DESCRIBED, true);
            out.writeVarInt(chunk.position(), true);
            out.writeBytes(chunk.getBuffer(), 0, chunk.position());
        });
        assertThatThrownBy(() -> context().decode(body, 1)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("refers to description #0, which describes " + HOLDER);
    }

    @Test
    void objectsAfterTheFirstCarryOnlyTheNumberOfTheirDescription() {
        SerializationContext context = context();
        List<Dto> three = new ArrayList<>(List.of(dto("a", 1), dto("b", 2), dto("c", 3)));
        byte[] body = context.encode(three);
        String text = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(text.split("nam", -1)).as("the member name 'name' in %s", text).hasSize(2);

        @SuppressWarnings("unchecked")
        List<Dto> decoded = (List<Dto>) context.decode(body, 1)[0];
        assertThat(decoded).extracting(d -> d.name + d.age).containsExactly("a1", "b2", "c3");
    }

    @Test
    void readersKeepSeveralDescriptionsOfAClassAndFindEachAgain() {
        // Writers of more versions than a reader keeps plans for, in turn: each body decodes right.
        SerializationContext context = context();
        for (int round = 0; round < 3; round++) {
            for (int version = 0; version < MemberSerializer.CACHED_PLANS + 2; version++) {
                int v = version;
                byte[] body = adaWith(out -> describe(out, "x" + v, MemberKind.INT, "age", MemberKind.INT,
                        "name", MemberKind.STRING), out -> {
                            out.writeVarInt(-v, false);
                            out.writeVarInt(30 + v, false);
                            out.writeString("v" + v);
                        });
                Dto decoded = (Dto) context.decode(body, 1)[0];
                assertThat(decoded.age).isEqualTo(30 + v);
                assertThat(decoded.name).isEqualTo("v" + v);
            }
        }
    }

    @Test
    void theDescriptionAndEveryBareValueCountAgainstTheBudget() {
        SerializationContext context = context();
        List<Dto> three = new ArrayList<>(List.of(dto("a", 1), dto("b", 2), dto("c", 3)));
        DecodeBudget described = DecodeBudget.defaults();
        context.decode(context.encode(three), new java.lang.reflect.Type[] {Object.class}, described);
        DecodeBudget nameKeyed = DecodeBudget.defaults();
        context.decode(Bodies.nameKeyed(three), new java.lang.reflect.Type[] {Object.class}, nameKeyed);

        // The list, its 3 elements (as declared, then as built) and their 2 x 3 member values...
        assertThat(nameKeyed.objects()).isEqualTo(1 + 3 + 3 + 6);
        // ... and the description's 2 members, once: never less than the name-keyed form counts.
        assertThat(described.objects()).isEqualTo(nameKeyed.objects() + 2);
    }

    @Test
    void anOlderReaderRefusesTheDescribedFormAtItsFirstObject() {
        // What a reader of the name-keyed form only does with the tag: the member count it reads first.
        byte[] tag = new byte[] {(byte) 0x80, 0x10}; // varint 2048
        NamedChunks older = new NamedChunks(DTO, new String[] {"age", "name"});
        Output written = new Output(8);
        written.writeVarInt(MemberSerializer.DESCRIBED, true);
        assertThat(written.toBytes()).containsExactly(tag);
        assertThatThrownBy(() -> older.readCount(new BoundedInput(tag))).isInstanceOf(KryoException.class)
                .hasMessage(DTO + " with 2048 members (expected: <= 1024)");
    }

    @Test
    void aTableOfDescriptionsIsBoundedAndForgetsWhatAChunkDescribed() {
        Descriptions table = new Descriptions();
        for (int i = 0; i < Descriptions.MAX; i++) {
            assertThat(table.add("class " + i)).isEqualTo(i);
        }
        assertThat(table.add("one too many")).isEqualTo(-1); // the writer falls back to the name-keyed form
        table.rollBack(10);
        assertThat(table.owner(10)).isNull();
        assertThat(table.add("again")).isEqualTo(10);
        int generation = table.generation();
        table.reset();
        assertThat(table.mark()).isZero();
        assertThat(table.generation()).isNotEqualTo(generation);
    }
}
