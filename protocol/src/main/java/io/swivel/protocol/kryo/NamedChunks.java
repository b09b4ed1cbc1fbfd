package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.KryoBufferOverflowException;
import com.esotericsoftware.kryo.io.Output;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.Map;

/**
 * The name-keyed form of an object, which writers before the described form
 * ({@link MemberSerializer}) wrote and readers still read: the values of one object, each under
 * its name and in its own length-prefixed chunk. The chunk itself is also how the described form
 * carries a member of any type but a primitive or a string ({@link #writeChunk}).
 *
 * <pre>
 *   varint count
 *   count x ( string name, varint length, length bytes: the value written with its class )
 * </pre>
 *
 * <p>A reader skips a name it does not know and leaves a member the writer did not send at its
 * default, so a field or component added or removed between two versions still decodes.
 *
 * <p>Every chunk is read in place, with the input's limit narrowed to the chunk: whatever is
 * nested inside it (a string, an array, a collection, another object) sees only the chunk's
 * bytes, so {@link BoundedInput}'s checks of declared lengths against the bytes left hold at
 * every level, and a value that runs past its chunk fails instead of reading its neighbour.
 * Neither writing nor reading allocates a buffer per value.
 */
final class NamedChunks {

    /** More members than any real class has; a larger count is refused before the loop. */
    static final int MAX_MEMBERS = 1024;

    private final String owner;
    private final String[] names;
    private final byte[][] encodedNames;
    private final Map<String, Integer> indexByName = new HashMap<>();

    /**
     * @param owner the class, for messages
     * @param names the members' names, as they travel
     */
    NamedChunks(String owner, String[] names) {
        this.owner = owner;
        this.names = names.clone();
        this.encodedNames = new byte[names.length][];
        Output scratch = new Output(64, -1);
        for (int i = 0; i < names.length; i++) {
            if (indexByName.put(names[i], i) != null) {
                throw new KryoException(owner + " has two members named " + names[i]);
            }
            scratch.reset();
            scratch.writeString(names[i]);
            encodedNames[i] = scratch.toBytes();
        }
    }

    /** The class whose instances a member of {@code type} holds: the wrapper of a primitive. */
    static Class<?> boxed(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return type == int.class ? Integer.class : type == long.class ? Long.class : type == boolean.class ? Boolean.class
                : type == double.class ? Double.class : type == float.class ? Float.class : type == byte.class ? Byte.class
                : type == short.class ? Short.class : type == char.class ? Character.class : Void.class;
    }

    String name(int index) {
        return names[index];
    }

    void writeCount(Output output) {
        output.writeVarInt(names.length, true);
    }

    /** The member of that name, or -1. */
    int indexOf(String name) {
        Integer index = indexByName.get(name);
        return index == null ? -1 : index;
    }

    /** Writes member {@code index}: its name, then its value with its class in a length-prefixed chunk. */
    void write(Kryo kryo, Output output, int index, Object value) {
        output.writeBytes(encodedNames[index]);
        writeChunk(kryo, output, value, false); // as older writers: names not scoped
    }

    /**
     * Writes a value with its class in a length-prefixed chunk. What is described inside the chunk
     * is forgotten after it ({@link Descriptions}), as a reader that skips the chunk forgets it;
     * so are the class names first written inside it if {@code scopeNames} (the described form:
     * {@link AllowlistClassResolver#rollBack}; the name-keyed form never scoped them).
     */
    static void writeChunk(Kryo kryo, Output output, Object value, boolean scopeNames) {
        Descriptions descriptions = Descriptions.of(kryo);
        int mark = descriptions.mark();
        AllowlistClassResolver names = scopeNames ? AllowlistClassResolver.of(kryo) : null;
        int namesMark = names == null ? 0 : names.mark();
        try {
            writeChunkOf(kryo, output, value);
        } finally {
            descriptions.rollBack(mark);
            if (names != null) {
                names.rollBack(namesMark);
            }
        }
    }

    private static void writeChunkOf(Kryo kryo, Output output, Object value) {
        if (output.getClass() != Output.class || output.getOutputStream() != null) {
            writeCopied(kryo, output, value); // a streaming output cannot be patched in place
            return;
        }
        // Reserve one byte for the length, write the value, then patch the length in; a value of
        // 128 bytes or more needs a longer varint, so it moves right by the few bytes missing.
        int start = output.position();
        output.writeByte(0);
        kryo.writeClassAndObject(output, value);
        int end = output.position();
        int length = end - start - 1;
        if (length < 0x80) {
            output.getBuffer()[start] = (byte) length;
            return;
        }
        int extra = varIntLength(length) - 1;
        for (int i = 0; i < extra; i++) {
            output.writeByte(0); // grows the buffer if needed
        }
        byte[] buffer = output.getBuffer();
        System.arraycopy(buffer, start + 1, buffer, start + 1 + extra, length);
        output.setPosition(start);
        output.writeVarInt(length, true);
        output.setPosition(end + extra);
    }

    /**
     * Writes the chunk into a buffer of its own first, to learn its length. The buffer is bounded
     * by the body's limit: a member longer than a whole body is refused as the body would be
     * ({@code KryoBufferOverflowException}), before an array larger than the limit is made.
     */
    private static void writeCopied(Kryo kryo, Output output, Object value) {
        int limit = BoundedKryo.maxBodyLength(kryo);
        Output chunk = new Output(limit < 0 ? 64 : Math.min(64, limit), limit);
        try {
            kryo.writeClassAndObject(chunk, value);
        } catch (KryoBufferOverflowException e) { // named as the body's own overflow names its limit
            throw new KryoBufferOverflowException("Buffer overflow. Max capacity: " + limit + ", required: more than "
                    + limit + " for one member");
        }
        output.writeVarInt(chunk.position(), true);
        output.writeBytes(chunk.getBuffer(), 0, chunk.position());
    }

    private static int varIntLength(int value) {
        int bytes = 1;
        while ((value >>>= 7) != 0) {
            bytes++;
        }
        return bytes;
    }

    /**
     * Reads the member count.
     *
     * @return how many members follow
     * @throws KryoException if the count is out of range
     */
    int readCount(Input input) {
        int count = input.readVarInt(true);
        if (count < 0 || count > MAX_MEMBERS) {
            throw new KryoException(owner + " with " + Integer.toUnsignedString(count) + " members (expected: <= "
                    + MAX_MEMBERS + ")");
        }
        return count;
    }

    /**
     * Reads the name of the next member.
     *
     * @param input the input
     * @param expected the member most likely next (the one after the previous), tried without
     *     decoding the name; any value is fine
     * @return the member's index, or -1 if this class has no member of that name
     */
    int readName(Input input, int expected) {
        if (expected >= 0 && expected < encodedNames.length && startsWith(input, encodedNames[expected])) {
            input.setPosition(input.position() + encodedNames[expected].length);
            return expected;
        }
        String name = input.readString();
        if (name == null) {
            throw new KryoException(owner + ": a member without a name");
        }
        Integer index = indexByName.get(name);
        return index == null ? -1 : index;
    }

    private static void expect(Kryo kryo, Type declared) {
        if (kryo instanceof BoundedKryo bounded) {
            bounded.expectNext(declared);
        }
    }

    private static boolean startsWith(Input input, byte[] prefix) {
        int position = input.position();
        if (input.limit() - position < prefix.length) {
            return false;
        }
        byte[] buffer = input.getBuffer();
        for (int i = 0; i < prefix.length; i++) {
            if (buffer[position + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads the chunk of a member, or skips it when {@code index} is -1.
     *
     * @param kryo the Kryo
     * @param input the input
     * @param index the member, -1 for one this class does not have
     * @param nameForMessages what to call the member in an error
     * @param declared the member's declared type: the value's class must be assignable to it
     * @param scopeNames forget the class names first read in the chunk when it ends (the
     *     described form, whose writers do the same; not the name-keyed form)
     * @return the value, or null when skipped
     * @throws KryoException if the chunk's length exceeds the bytes left, or its value does not
     *     end exactly at the chunk's end
     */
    Object readValue(Kryo kryo, Input input, int index, String nameForMessages, Type declared, boolean scopeNames) {
        int length = input.readVarInt(true);
        int left = input.limit() - input.position();
        if (length < 0 || length > left) {
            throw new KryoException(owner + "." + nameForMessages + " declares " + Integer.toUnsignedString(length)
                    + " bytes, " + left + " left");
        }
        if (index < 0) {
            input.skip(length);
            return null;
        }
        Descriptions descriptions = Descriptions.of(kryo);
        int mark = descriptions.mark();
        AllowlistClassResolver names = scopeNames ? AllowlistClassResolver.of(kryo) : null;
        int namesMark = names == null ? 0 : names.mark();
        try {
            return readChunk(kryo, input, length, nameForMessages, declared);
        } finally {
            descriptions.rollBack(mark); // what was described inside the chunk ends with it, as for the writer
            if (names != null) {
                names.rollBack(namesMark); // and so do the names first read in it (described form)
            }
        }
    }

    private Object readChunk(Kryo kryo, Input input, int length, String nameForMessages, Type declared) {
        if (!(input instanceof BoundedInput)) {
            BoundedInput chunk = new BoundedInput(input.readBytes(length));
            expect(kryo, declared);
            Object value = kryo.readClassAndObject(chunk);
            if (chunk.position() != length) {
                throw new KryoException(owner + "." + nameForMessages + ": the value ends "
                        + (length - chunk.position()) + " bytes before its chunk");
            }
            return value;
        }
        int end = input.position() + length;
        int limit = input.limit();
        Object value;
        input.setLimit(end);
        try {
            expect(kryo, declared);
            value = kryo.readClassAndObject(input);
        } catch (DecodeRefusedException e) {
            throw new DecodeRefusedException(e.limit(), owner + "." + nameForMessages + ": " + e.getMessage());
        } finally {
            input.setLimit(limit);
        }
        if (input.position() != end) {
            throw new KryoException(owner + "." + nameForMessages + ": the value ends " + (end - input.position())
                    + " bytes before its chunk");
        }
        return value;
    }
}
