package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;

/**
 * How one member's value travels in the described form ({@link MemberSerializer}), decided by the
 * writer from the member's declared type and stated in the class's description. A primitive
 * member travels as Kryo writes that primitive, a {@code String} member as Kryo writes a string
 * (null included): neither needs a class id, and any reader can read (or skip) them. Everything
 * else travels with its class in a length-prefixed chunk ({@link NamedChunks}), so a reader can
 * skip a member of a class it does not know without loading it.
 */
final class MemberKind {

    static final byte OBJECT = 0;
    static final byte STRING = 1;
    static final byte BOOLEAN = 2;
    static final byte BYTE = 3;
    static final byte CHAR = 4;
    static final byte SHORT = 5;
    static final byte INT = 6;
    static final byte LONG = 7;
    static final byte FLOAT = 8;
    static final byte DOUBLE = 9;
    private static final byte LAST = DOUBLE;

    private MemberKind() {
    }

    /** The kind of a member declared as {@code type}. */
    static byte of(Class<?> type) {
        if (type == String.class) {
            return STRING;
        }
        if (!type.isPrimitive()) {
            return OBJECT;
        }
        return type == int.class ? INT : type == long.class ? LONG : type == boolean.class ? BOOLEAN
                : type == double.class ? DOUBLE : type == float.class ? FLOAT : type == byte.class ? BYTE
                : type == short.class ? SHORT : CHAR;
    }

    /** Whether {@code kind}, read from a description, is one this reader knows. */
    static boolean known(int kind) {
        return kind >= OBJECT && kind <= LAST;
    }

    /** The class of the values of a kind other than {@link #OBJECT} (boxed). */
    static Class<?> valueClass(byte kind) {
        return switch (kind) {
            case STRING -> String.class;
            case BOOLEAN -> Boolean.class;
            case BYTE -> Byte.class;
            case CHAR -> Character.class;
            case SHORT -> Short.class;
            case INT -> Integer.class;
            case LONG -> Long.class;
            case FLOAT -> Float.class;
            case DOUBLE -> Double.class;
            default -> Object.class;
        };
    }

    /** Reads a value of a kind other than {@link #OBJECT}, boxed. */
    static Object read(byte kind, Input input) {
        return switch (kind) {
            case STRING -> input.readString();
            case BOOLEAN -> input.readBoolean();
            case BYTE -> input.readByte();
            case CHAR -> input.readChar();
            case SHORT -> input.readShort();
            case INT -> input.readVarInt(false);
            case LONG -> input.readVarLong(false);
            case FLOAT -> input.readFloat();
            case DOUBLE -> input.readDouble();
            default -> throw new KryoException("no value of kind " + kind + " travels bare");
        };
    }
}
