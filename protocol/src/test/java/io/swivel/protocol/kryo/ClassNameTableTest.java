package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The class names one body wrote or read are forgotten before the next body: a body that refers
 * to a class by a name id without giving its name (as a later reference in the same body would)
 * is refused, whatever the bodies before it held, few names or many (eleven in one body); and the
 * writer names every class again in each body. Within a body, a name first given inside a described
 * member's chunk ends with the chunk, on both sides.
 */
class ClassNameTableTest {

    record Small(int v) {
    }

    record R0(int v) {
    }

    record R1(int v) {
    }

    record R2(int v) {
    }

    record R3(int v) {
    }

    record R4(int v) {
    }

    record R5(int v) {
    }

    record R6(int v) {
    }

    record R7(int v) {
    }

    record R8(int v) {
    }

    record R9(int v) {
    }

    record Many(R0 a, R1 b, R2 c, R3 d, R4 e, R5 f, R6 g, R7 h, R8 i, R9 j) {
    }

    record Two(Small a, Small b) {
    }

    interface Service {
        Many many(Many many, Small small);

        Two two(Two two);
    }

    private static SerializationContext context() {
        return SerializationContext.create(ClassNameTableTest.class.getClassLoader(),
                TypeAllowlist.forServices(List.of(Service.class)), 1 << 20);
    }

    private static Many many() {
        return new Many(new R0(0), new R1(1), new R2(2), new R3(3), new R4(4), new R5(5), new R6(6), new R7(7),
                new R8(8), new R9(9));
    }

    /** The object bytes of a one-value body whose class is written by name (id 0) first. */
    private static byte[] objectBytes(byte[] body) {
        Input input = new Input(body);
        assertThat(input.readVarInt(true)).isEqualTo(1);
        assertThat(input.readVarInt(true)).isEqualTo(DefaultClassResolver.NAME + 2);
        assertThat(input.readVarInt(true)).isZero();
        input.readString();
        return input.readBytes(body.length - input.position());
    }

    /** A one-value body that refers to name id {@code id} without the name, then {@code object}. */
    private static byte[] reference(int id, byte[] object) {
        Output out = new Output(64, -1);
        out.writeVarInt(1, true);
        out.writeVarInt(DefaultClassResolver.NAME + 2, true);
        out.writeVarInt(id, true);
        out.writeBytes(object);
        return out.toBytes();
    }

    @Test
    void aNameReadInOneBodyIsUnknownInTheNext() {
        SerializationContext context = context();
        byte[] body = context.encode(new Small(7));
        byte[] referring = reference(0, objectBytes(body));
        for (int round = 0; round < 3; round++) {
            assertThat(context.decode(body, 1)).containsExactly(new Small(7));
            assertThatThrownBy(() -> context.decode(referring, 1)).isInstanceOf(SerializationException.class);
        }
    }

    @Test
    void moreNamesThanTrackedAreAllForgotten() {
        SerializationContext context = context();
        byte[] big = context.encode(many());
        List<byte[]> objects = new ArrayList<>();
        for (Object value : List.of(new Small(1), new R0(1), new R1(1), new R2(1), new R3(1), new R4(1), new R5(1),
                new R6(1), new R7(1), new R8(1), new R9(1))) {
            objects.add(objectBytes(context.encode(value)));
        }
        int names = 11; // Many and its ten components
        for (int id = 0; id < names + 1; id++) {
            for (byte[] object : objects) {
                assertThat(context.decode(big, 1)).containsExactly(many());
                byte[] referring = reference(id, object);
                assertThatThrownBy(() -> context.decode(referring, 1)).isInstanceOf(SerializationException.class);
            }
        }
    }

    /** Where {@code part} occurs in {@code body}, in order. */
    private static List<Integer> occurrences(byte[] body, byte[] part) {
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i + part.length <= body.length; i++) {
            if (java.util.Arrays.equals(body, i, i + part.length, part, 0, part.length)) {
                at.add(i);
            }
        }
        return at;
    }

    @Test
    void aNameFirstGivenInAMembersChunkEndsWithTheChunkOnBothSides() {
        SerializationContext context = context();
        Two two = new Two(new Small(1), new Small(2));
        byte[] body = context.encode(two);
        byte[] name = Bodies.kryoString(Small.class.getName());
        List<Integer> names = occurrences(body, name);
        assertThat(names).as("Small named in a's chunk and again in b's").hasSize(2);
        assertThat(context.decode(body, 1)).containsExactly(two);

        // b's chunk as a writer that kept a's name would write it: name id 1 without the name.
        int at = names.get(1);
        assertThat(body[at - 2]).isEqualTo((byte) (DefaultClassResolver.NAME + 2));
        assertThat(body[at - 1]).isEqualTo((byte) 1);
        byte[] referring = new byte[body.length - name.length];
        System.arraycopy(body, 0, referring, 0, at);
        System.arraycopy(body, at + name.length, referring, at, body.length - at - name.length);
        referring[at - 3] = (byte) (body[at - 3] - name.length); // b's chunk length, one byte
        assertThatThrownBy(() -> context.decode(referring, 1)).isInstanceOf(SerializationException.class);
    }

    @Test
    void theWriterGivesEveryBodyItsNamesAgain() {
        SerializationContext context = context();
        byte[] r0 = context.encode(new R0(3));
        byte[] r9 = context.encode(new R9(3));
        byte[] first = context.encode(many());
        assertThat(context.encode(new R0(3))).isEqualTo(r0); // named again (id 0), not a reference to the last body's
        context.encode(many());
        assertThat(context.encode(new R9(3))).isEqualTo(r9);
        assertThat(context.encode(many())).isEqualTo(first);
        assertThat(objectBytes(r9)).isNotEmpty();
        assertThat(context.decode(r9, 1)).containsExactly(new R9(3));
    }
}
