package io.swivel.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The last few short UTF-8 strings one connection decoded (service names, method keys), so a
 * repeated one is returned as the same {@link String}, hash code included, without decoding it
 * again. A small direct-mapped table: a miss decodes and replaces the slot. Bounded: at most
 * {@value #SLOTS} strings of at most {@value #MAX_LENGTH} bytes each. Not thread-safe: one per
 * decoder, used on its event loop only.
 */
final class ShortStrings {

    static final int SLOTS = 16;
    static final int MAX_LENGTH = 256;

    private final byte[][] bytes = new byte[SLOTS][];
    private final String[] strings = new String[SLOTS];

    /**
     * Decodes {@code length} bytes of {@code in} at {@code index} as UTF-8, without moving its
     * indexes.
     */
    String decode(ByteBuf in, int index, int length) {
        if (length == 0) {
            return "";
        }
        if (length > MAX_LENGTH) {
            return in.toString(index, length, StandardCharsets.UTF_8);
        }
        int hash = length;
        for (int i = 0; i < length; i++) {
            hash = 31 * hash + in.getByte(index + i);
        }
        int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);
        byte[] known = bytes[slot];
        if (known != null && known.length == length && sameBytes(in, index, known)) {
            return strings[slot];
        }
        byte[] copy = new byte[length];
        in.getBytes(index, copy);
        String value = new String(copy, StandardCharsets.UTF_8);
        bytes[slot] = copy;
        strings[slot] = value;
        return value;
    }

    private static boolean sameBytes(ByteBuf in, int index, byte[] known) {
        for (int i = 0; i < known.length; i++) {
            if (in.getByte(index + i) != known[i]) {
                return false;
            }
        }
        return true;
    }
}
