package io.swivel.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * The string key/value metadata of a call on the wire, and its bounds.
 *
 * <p>A request carries a metadata block only when its type byte has {@link Frame#FLAG_METADATA};
 * the block sits between the version constraint and the body: {@code int32 blockLength} (the
 * bytes that follow in the block), {@code uint16 count}, then {@code count} entries of
 * {@code uint16 keyLength, key, uint16 valueLength, value} in UTF-8. A key is 1 to
 * {@value #MAX_KEY_LENGTH} characters of {@code a-z 0-9 . _ -} (lower case, as gRPC metadata
 * keys); a value is any string. A key given twice keeps its last value.
 *
 * <p>The decoder checks the block's length against the frame first (a block longer than the
 * rest of the frame breaks the framing: a protocol error), then the entry count and the block's
 * bytes against its {@link Limits} <em>before</em> it decodes a single entry: a block past them is
 * skipped and its request answered {@code BAD_REQUEST} with the figures.
 */
public final class CallMetadata {

    /** The longest key, in characters. */
    public static final int MAX_KEY_LENGTH = 128;

    private CallMetadata() {
    }

    /**
     * How much metadata one request may carry.
     *
     * @param maxEntries entries per call (default 64)
     * @param maxBytes bytes of the block per call, keys, values and their lengths (default 8 KiB)
     */
    public record Limits(int maxEntries, int maxBytes) {

        /** 64 entries and 8 KiB per call. */
        public static final Limits DEFAULTS = new Limits(64, 8 * 1024);

        /**
         * Checks the bounds.
         *
         * @param maxEntries at least 1 and at most 65,535
         * @param maxBytes at least 64
         */
        public Limits {
            if (maxEntries < 1 || maxEntries > 0xFFFF) {
                throw new IllegalArgumentException("maxEntries: " + maxEntries + " (expected: 1..65535)");
            }
            if (maxBytes < 64) {
                throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 64)");
            }
        }

        /**
         * Checks metadata a caller is about to send against these limits.
         *
         * @param metadata the entries
         * @return null if they fit, otherwise what is wrong, with the figures
         */
        public String check(Map<String, String> metadata) {
            if (metadata.size() > maxEntries) {
                return "call metadata has " + metadata.size() + " entries, more than the limit of " + maxEntries;
            }
            int bytes = 2;
            for (Map.Entry<String, String> entry : metadata.entrySet()) {
                String key = entry.getKey();
                String bad = checkKey(key);
                if (bad != null) {
                    return bad;
                }
                if (entry.getValue() == null) {
                    return "call metadata key '" + key + "' has a null value";
                }
                bytes += 4 + key.length() + utf8Length(entry.getValue());
                if (bytes > maxBytes) {
                    return "call metadata takes more than the limit of " + maxBytes + " bytes (at key '" + key + "')";
                }
            }
            return null;
        }
    }

    /**
     * Checks a metadata key.
     *
     * @param key the key
     * @return null if it is a valid key, otherwise what is wrong
     */
    public static String checkKey(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            return "call metadata key '" + key + "' must have 1 to " + MAX_KEY_LENGTH + " characters";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
                return "call metadata key '" + key + "' may hold only a-z, 0-9, '.', '_' and '-'";
            }
        }
        return null;
    }

    private static int utf8Length(String value) {
        int length = value.length();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x80) {
                return value.getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return length;
    }

    /** Writes the block; the caller checked it against its limits. */
    static void write(ByteBuf out, Map<String, String> metadata) {
        int start = out.writerIndex();
        out.writeInt(0); // block length, patched below
        out.writeShort(metadata.size());
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            writeString(out, entry.getKey(), "metadata key");
            writeString(out, entry.getValue(), "metadata value of " + entry.getKey());
        }
        out.setInt(start, out.writerIndex() - start - 4);
    }

    private static void writeString(ByteBuf out, String value, String field) {
        int lengthAt = out.writerIndex();
        out.writeShort(0);
        int written = out.writeCharSequence(value, StandardCharsets.UTF_8);
        if (written > 0xFFFF) {
            throw new IllegalArgumentException(field + " is " + written + " bytes (expected: <= 65535)");
        }
        out.setShort(lengthAt, written);
    }

    /** What {@link #read} found: the entries, or why they were refused. */
    record Block(Map<String, String> entries, String refusal) {
        static final Block NONE = new Block(Map.of(), null);
    }

    /**
     * Reads a block, checking its bounds before decoding any entry.
     *
     * @throws ProtocolException if the block does not fit the frame or its entries do not fill it
     */
    static Block read(ByteBuf in, long requestId, Limits limits, ShortStrings names) {
        if (in.readableBytes() < 4) {
            throw truncated(requestId, 4, in.readableBytes());
        }
        int length = in.readInt();
        if (length < 2 || length > in.readableBytes()) {
            throw new ProtocolException.Malformed("metadata block of request " + requestId + " claims " + length
                    + " bytes, " + in.readableBytes() + " left in the frame");
        }
        int end = in.readerIndex() + length;
        int count = in.readUnsignedShort();
        if (count > limits.maxEntries() || length > limits.maxBytes()) {
            in.readerIndex(end);
            return new Block(Map.of(), "call metadata of " + count + " entries and " + length
                    + " bytes exceeds the server's limit of " + limits.maxEntries() + " entries and "
                    + limits.maxBytes() + " bytes per call");
        }
        Map<String, String> entries = new HashMap<>(count * 2);
        String refusal = null;
        for (int i = 0; i < count; i++) {
            String key = readString(in, end, requestId, names);
            String value = readString(in, end, requestId, null);
            if (refusal == null) {
                refusal = checkKey(key);
            }
            entries.put(key, value);
        }
        if (in.readerIndex() != end) {
            throw new ProtocolException.Malformed("metadata block of request " + requestId + " has "
                    + (end - in.readerIndex()) + " bytes after its " + count + " entries");
        }
        return refusal != null ? new Block(Map.of(), refusal) : new Block(Collections.unmodifiableMap(entries), null);
    }

    private static String readString(ByteBuf in, int end, long requestId, ShortStrings names) {
        if (end - in.readerIndex() < 2) {
            throw truncated(requestId, 2, end - in.readerIndex());
        }
        int length = in.readUnsignedShort();
        if (end - in.readerIndex() < length) {
            throw truncated(requestId, length, end - in.readerIndex());
        }
        String value = names != null ? names.decode(in, in.readerIndex(), length)
                : in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return value;
    }

    private static ProtocolException truncated(long requestId, int needed, int left) {
        return new ProtocolException.Malformed("metadata block of request " + requestId + " truncated: needs "
                + needed + " bytes, " + left + " left");
    }
}
