package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link BoundedInput} reads a varint within five bytes of the limit itself (Kryo reads those byte
 * by byte): the values are Kryo's, at the limit and before it, also for bytes no writer makes and
 * for a varint the limit cuts off, and a count read so is still checked against the bytes left.
 */
class BoundedInputVarintTest {

    @Test
    void varintsReadAsKryoReadsThemAlsoAtTheLimit() {
        int[] ints = {0, 1, 63, 64, 127, 128, -1, -64, -65, 300, Integer.MAX_VALUE, Integer.MIN_VALUE};
        long[] longs = {0, 1, 127, 128, -1, -64, -65, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40};
        for (boolean positive : new boolean[] {true, false}) {
            for (int value : ints) {
                Output out = new Output(16);
                out.writeVarInt(value, positive);
                byte[] bytes = out.toBytes();
                // The value alone (the limit right after it, as at a chunk's end), and followed by more bytes.
                BoundedInput exact = new BoundedInput(bytes);
                BoundedInput roomy = new BoundedInput(Arrays.copyOf(bytes, bytes.length + 8));
                if (!positive || value >= 0) {
                    assertThat(exact.readInt(positive)).as("int %d, %b", value, positive).isEqualTo(value);
                    assertThat(roomy.readInt(positive)).isEqualTo(value);
                    assertThat(exact.position()).isEqualTo(bytes.length);
                    assertThat(roomy.position()).isEqualTo(bytes.length);
                }
            }
            for (long value : longs) {
                Output out = new Output(16);
                out.writeVarLong(value, positive);
                byte[] bytes = out.toBytes();
                BoundedInput exact = new BoundedInput(bytes);
                assertThat(exact.readVarLong(positive)).as("long %d, %b", value, positive).isEqualTo(value);
                assertThat(exact.position()).isEqualTo(bytes.length);
                assertThat(new BoundedInput(Arrays.copyOf(bytes, bytes.length + 9)).readVarLong(positive)).isEqualTo(value);
            }
        }
    }

    @Test
    void aCountReadInItsOneByteFormIsStillCheckedAgainstTheBytesLeft() {
        BoundedInput input = new BoundedInput(new byte[] {100});
        assertThatCode(() -> input.readVarInt(true)).doesNotThrowAnyException();
        // A count bigger than the bytes left plus the slack (SLACK 4096) is a lie, one byte or five.
        Output out = new Output(16);
        out.writeVarInt(BoundedInput.SLACK + 10, true);
        assertThatThrownBy(() -> new BoundedInput(out.toBytes()).readVarInt(true))
                .isInstanceOf(KryoException.class).hasMessageContaining("declared with only");
    }

    @Test
    void anyBytesAtTheLimitReadAsKryoReadsThemOrFailAsItFails() {
        SplittableRandom random = new SplittableRandom(19);
        for (int round = 0; round < 5_000; round++) {
            byte[] bytes = new byte[1 + random.nextInt(5)];
            for (int i = 0; i < bytes.length; i++) {
                // mostly continuation bytes: long varints, cut-off ones, and fifth bytes with the bit set
                bytes[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(128) : 128 + random.nextInt(128));
            }
            boolean positive = random.nextBoolean();
            String kryo = outcome(new Input(bytes), positive);
            String ours = outcome(new BoundedInput(bytes), positive);
            assertThat(ours).as("bytes %s, optimizePositive %b", Arrays.toString(bytes), positive).isEqualTo(kryo);
        }
    }

    /** The value and the position after it, or the exception's class: what a reader sees. */
    private static String outcome(Input input, boolean positive) {
        try {
            int value = input instanceof BoundedInput bounded ? bounded.readInt(positive) : input.readVarInt(positive);
            return value + " at " + input.position();
        } catch (KryoException e) {
            return e.getClass().getName();
        }
    }
}
