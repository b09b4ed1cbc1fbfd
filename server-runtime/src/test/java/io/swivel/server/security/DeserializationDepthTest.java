package io.swivel.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Output;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import io.swivel.protocol.kryo.SerializationContext;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Deserialization attacks (see {@link DeserializationAttack}), (c): nesting far deeper than any
 * honest call, and a self-referential graph; refused without a {@code StackOverflowError}.
 */
class DeserializationDepthTest extends DeserializationAttack {

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
