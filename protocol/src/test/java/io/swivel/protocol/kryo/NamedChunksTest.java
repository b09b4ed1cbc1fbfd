package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.io.Output;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The by-name, chunked form of POJOs and records, as writers before the described form wrote it
 * and readers still read it ({@link Bodies#nameKeyed}): edge cases of writing and reading a chunk.
 */
class NamedChunksTest {

    interface Api {
        Holder holder(Holder holder, Child child, Frozen frozen, Pair pair);
    }

    static class Holder {
        Object value;
        int after;
    }

    static class Parent {
        String name = "parent";
    }

    static class Child extends Parent {
        String name = "child"; // hides Parent.name
    }

    static final class Frozen {
        private final String id;
        private final long count;

        Frozen(String id, long count) {
            this.id = id;
            this.count = count;
        }
    }

    record Pair(String left, String right) {
    }

    private static SerializationContext context() {
        return SerializationContext.create(NamedChunksTest.class.getClassLoader(),
                TypeAllowlist.forServices(List.of(Api.class)), 1 << 24);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 120, 126, 127, 128, 200, 16_383, 16_384, 70_000, 3_000_000})
    void valuesOfEveryLengthRoundTripAroundTheVarintBoundaries(int length) {
        // A chunk's length is patched in after its value; from 128 bytes on the value moves right.
        SerializationContext context = context();
        Holder holder = new Holder();
        holder.value = "x".repeat(length);
        holder.after = 42;
        Pair pair = new Pair("y".repeat(length), "z");

        Object[] decoded = context.decode(context.encode(holder, pair), 2);

        assertThat(((Holder) decoded[0]).value).isEqualTo(holder.value);
        assertThat(((Holder) decoded[0]).after).isEqualTo(42);
        assertThat(decoded[1]).isEqualTo(pair);
        Object[] fromAnOlderWriter = context.decode(Bodies.nameKeyed(holder, pair), 2);
        assertThat(((Holder) fromAnOlderWriter[0]).value).isEqualTo(holder.value);
        assertThat(fromAnOlderWriter[1]).isEqualTo(pair);
    }

    @Test
    void aHiddenSuperclassFieldTravelsUnderItsQualifiedName() {
        Child child = new Child();
        child.name = "c";
        ((Parent) child).name = "p";

        Child decoded = (Child) context().decode(context().encode(child), 1)[0];

        assertThat(decoded.name).isEqualTo("c");
        assertThat(((Parent) decoded).name).isEqualTo("p");
    }

    @Test
    void finalFieldsAndClassesWithoutANoArgumentConstructorRoundTrip() {
        Frozen decoded = (Frozen) context().decode(context().encode(new Frozen("f-1", 9L)), 1)[0];
        assertThat(decoded.id).isEqualTo("f-1");
        assertThat(decoded.count).isEqualTo(9L);
    }

    /** The body of a Holder whose {@code value} is "abc", and where the chunk length of that value sits. */
    private static byte[] holderBody() {
        Holder holder = new Holder();
        holder.value = "abc";
        return Bodies.nameKeyed(holder);
    }

    private static int chunkLengthAt(byte[] body, String fieldName) {
        Output name = new Output(32);
        name.writeString(fieldName);
        byte[] encoded = name.toBytes();
        for (int i = 0; i + encoded.length < body.length; i++) {
            if (java.util.Arrays.equals(body, i, i + encoded.length, encoded, 0, encoded.length)) {
                return i + encoded.length;
            }
        }
        throw new AssertionError(fieldName + " not in the body");
    }

    @Test
    void aValueThatRunsPastItsChunkIsRefused() {
        byte[] body = holderBody();
        int at = chunkLengthAt(body, "value");
        body[at]--; // the chunk now ends before the string does

        assertThatThrownBy(() -> context().decode(body, 1)).isInstanceOf(SerializationException.class);
    }

    @Test
    void aValueThatEndsBeforeItsChunkIsRefused() {
        byte[] body = holderBody();
        int at = chunkLengthAt(body, "after"); // fields go by name: "after", then "value"
        body[at]++; // the chunk now swallows the next field's first byte

        assertThatThrownBy(() -> context().decode(body, 1)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("before its chunk");
    }

    @Test
    void aChunkLongerThanTheBodyIsRefused() {
        byte[] body = holderBody();
        int at = chunkLengthAt(body, "value");
        body[at] = 0x7F;

        assertThatThrownBy(() -> context().decode(body, 1)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("declares 127 bytes");
    }

    @Test
    void aValueOfTheWrongTypeForItsFieldIsRefused() {
        SerializationContext context = context();
        Holder holder = new Holder();
        holder.value = "v";
        // Renaming the chunk "value" (a String) to "after" (an int field) delivers a String to an int.
        byte[] stringInIntSlot = Bodies.replaceName(Bodies.nameKeyed(holder), "value", "after");

        assertThatThrownBy(() -> context.decode(stringInIntSlot, 1)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("after: a java.lang.String where int is declared"); // refused when its class is read
    }
}
