package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;

/**
 * A Kryo {@link Input} over one body that refuses a declared length the remaining bytes
 * cannot hold, before anything is allocated for it. Every length, count and size Kryo's
 * serializers read is a positive-optimized varint, and each element of a well-formed body
 * takes at least one byte, so a count above the bytes left is a lie: a few bytes claiming
 * 2<sup>31</sup> elements fail here instead of allocating gigabytes. String lengths and
 * primitive-array reads are checked the same way. Plain int values read through
 * {@link #readInt(boolean)} are data, not counts, and are not checked.
 *
 * <p>Small structural values that are not counts (class ids, enum ordinals) are read through
 * the same method and may legitimately exceed the bytes left at the very end of a body; a
 * slack of {@value #SLACK} keeps them valid while bounding what a lie can allocate.
 */
final class BoundedInput extends Input {

    /** Values up to this much above the bytes left are accepted (ids, ordinals at the end of a body). */
    static final int SLACK = 4096;

    BoundedInput(byte[] body) {
        super(body);
    }

    private int remainingBytes() {
        return limit - position;
    }

    private void check(long declared, int bytesPerElement, String what) {
        long needed = declared * bytesPerElement;
        if (declared < 0 || needed > remainingBytes()) {
            throw new KryoException(what + " of " + declared + " declared with only " + remainingBytes()
                    + " bytes left in the body");
        }
    }

    @Override
    public int readVarInt(boolean optimizePositive) {
        int value = varInt(optimizePositive);
        return optimizePositive ? checkedCount(value) : value;
    }

    /**
     * A varint. Its one-byte form (values up to 127, or -64..63 zig-zagged) is read here, and so
     * is a longer one within 5 bytes of the limit: Kryo reads those byte by byte, checking the
     * buffer before each, and a member's chunk sets the limit at its end, so the last values of
     * every chunk (a date's year, a time's nanoseconds) took that path. Kryo's bytes and values
     * exactly; a varint cut off by the limit is left to Kryo, which refuses it as before.
     */
    private int varInt(boolean optimizePositive) {
        if (oneByteVarint()) {
            return oneByteValue(optimizePositive);
        }
        if (limit - position >= 5) {
            return super.readVarInt(optimizePositive);
        }
        int p = position;
        int result = 0;
        for (int shift = 0; ; shift += 7) {
            if (p >= limit) {
                return super.readVarInt(optimizePositive); // cut off: Kryo's own error
            }
            int b = buffer[p++];
            result |= (b & 0x7F) << shift;
            if (b >= 0 || shift == 28) {
                break;
            }
        }
        position = p;
        return optimizePositive ? result : (result >>> 1) ^ -(result & 1);
    }

    /** A varint long, its one-byte form read here (see {@link #varInt}). Data, not a count: not checked. */
    @Override
    public long readVarLong(boolean optimizePositive) {
        return oneByteVarint() ? oneByteValue(optimizePositive) : super.readVarLong(optimizePositive);
    }

    /** Whether the next byte is a whole varint (its continuation bit clear). */
    private boolean oneByteVarint() {
        return position < limit && buffer[position] >= 0;
    }

    private int oneByteValue(boolean optimizePositive) {
        int b = buffer[position++];
        return optimizePositive ? b : (b >>> 1) ^ -(b & 1);
    }

    @Override
    public int readVarIntFlag(boolean optimizePositive) {
        int value = super.readVarIntFlag(optimizePositive);
        return optimizePositive ? checkedCount(value) : value;
    }

    /** Plain int values (data, not counts) come through here: not checked. */
    @Override
    public int readInt(boolean optimizePositive) {
        return varEncoding ? varInt(optimizePositive) : readInt();
    }

    private int checkedCount(int value) {
        if (value < 0 || value > remainingBytes() + SLACK) {
            throw new KryoException("length or count of " + Integer.toUnsignedString(value) + " declared with only "
                    + remainingBytes() + " bytes left in the body");
        }
        return value;
    }

    @Override
    public byte[] readBytes(int length) {
        check(length, 1, "a byte array");
        return super.readBytes(length);
    }

    @Override
    public int[] readInts(int length) {
        check(length, 4, "an int array");
        return super.readInts(length);
    }

    @Override
    public int[] readInts(int length, boolean optimizePositive) {
        check(length, 1, "an int array");
        return super.readInts(length, optimizePositive);
    }

    @Override
    public long[] readLongs(int length) {
        check(length, 8, "a long array");
        return super.readLongs(length);
    }

    @Override
    public long[] readLongs(int length, boolean optimizePositive) {
        check(length, 1, "a long array");
        return super.readLongs(length, optimizePositive);
    }

    @Override
    public float[] readFloats(int length) {
        check(length, 4, "a float array");
        return super.readFloats(length);
    }

    @Override
    public double[] readDoubles(int length) {
        check(length, 8, "a double array");
        return super.readDoubles(length);
    }

    @Override
    public short[] readShorts(int length) {
        check(length, 2, "a short array");
        return super.readShorts(length);
    }

    @Override
    public char[] readChars(int length) {
        check(length, 2, "a char array");
        return super.readChars(length);
    }

    @Override
    public boolean[] readBooleans(int length) {
        check(length, 1, "a boolean array");
        return super.readBooleans(length);
    }
}
