package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * How a reader maps one writer's description of a class onto its own members: for each member
 * the writer sends, in the writer's order, its kind and the reader's member of the same name
 * (or none: the value is skipped). Made once per description a reader meets, by name, and kept
 * by the reader's serializer for the next bodies with the same description
 * ({@link MemberSerializer}); immutable.
 *
 * <p>A description that lies is refused while it is parsed, before anything is allocated for it:
 * more members than {@link NamedChunks#MAX_MEMBERS} or than its bytes could hold, a member
 * without a name, two members of one name, a kind this reader does not know, or bytes left over.
 * A member whose kind cannot be the reader's declared type (a {@code String} where an {@code int}
 * is declared) is refused when a value of it is read, as the name-keyed form refuses it.
 */
final class Plan {

    private final MemberSerializer<?> reader;
    private final byte[] description;
    final String[] names;
    final byte[] kinds;
    final int[] targets;
    /** Per member, why its values cannot be the reader's member (null: they can). */
    final String[] mismatches;
    /** Members whose values are read bare (not framed by Kryo): counted against the budget per object. */
    final int bare;

    private Plan(MemberSerializer<?> reader, byte[] description, String[] names, byte[] kinds, int[] targets,
            String[] mismatches) {
        this.reader = reader;
        this.description = description;
        this.names = names;
        this.kinds = kinds;
        this.targets = targets;
        this.mismatches = mismatches;
        int n = 0;
        for (byte kind : kinds) {
            n += kind == MemberKind.OBJECT ? 0 : 1;
        }
        this.bare = n;
    }

    /** Whether this plan is for {@code serializer}'s class. */
    boolean isFor(MemberSerializer<?> serializer) {
        return reader == serializer;
    }

    String typeName() {
        return reader.typeName();
    }

    int size() {
        return kinds.length;
    }

    /** Whether the {@code length} bytes at the input's position are this plan's description. */
    boolean matches(Input input, int length) {
        int position = input.position();
        return length == description.length
                && Arrays.equals(input.getBuffer(), position, position + length, description, 0, length);
    }

    /**
     * Parses the description of {@code length} bytes at the input's position (already checked to
     * be there) and maps it onto {@code reader}'s members.
     *
     * @throws KryoException if the description lies
     */
    static Plan parse(Kryo kryo, Input input, int length, MemberSerializer<?> reader) {
        int start = input.position();
        int end = start + length;
        int limit = input.limit();
        String owner = reader.typeName();
        input.setLimit(end);
        try {
            int count = input.readVarInt(true);
            // Every member takes at least two bytes (a name and a kind): refuse a count its bytes cannot hold.
            if (count < 0 || count > NamedChunks.MAX_MEMBERS || 2L * count > length) {
                throw new KryoException("a description of " + owner + " with " + Integer.toUnsignedString(count)
                        + " members in " + length + " bytes (expected: <= " + NamedChunks.MAX_MEMBERS + ")");
            }
            BoundedKryo.chargeElements(kryo, count);
            String[] names = new String[count];
            byte[] kinds = new byte[count];
            int[] targets = new int[count];
            String[] mismatches = new String[count];
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < count; i++) {
                String name = input.readString();
                if (name == null) {
                    throw new KryoException("a description of " + owner + " has a member without a name");
                }
                if (!seen.add(name)) {
                    throw new KryoException("a description of " + owner + " has two members named " + name);
                }
                byte kind = input.readByte();
                if (!MemberKind.known(kind)) {
                    throw new KryoException("a description of " + owner + ": member " + name + " of kind " + kind
                            + ", unknown here (a newer writer?)");
                }
                names[i] = name;
                kinds[i] = kind;
                targets[i] = reader.indexOf(name);
                mismatches[i] = targets[i] < 0 || kind == MemberKind.OBJECT ? null : mismatch(kind, reader.declaredType(targets[i]));
            }
            if (input.position() != end) {
                throw new KryoException("a description of " + owner + " ends " + (end - input.position())
                        + " bytes before its length");
            }
            return new Plan(reader, Arrays.copyOfRange(input.getBuffer(), start, end), names, kinds, targets, mismatches);
        } finally {
            input.setLimit(limit);
        }
    }

    private static String mismatch(byte kind, Type declared) {
        Class<?> value = MemberKind.valueClass(kind);
        return DeclaredTypes.erasure(declared).isAssignableFrom(value) ? null
                : "a " + value.getName() + " where " + DeclaredTypes.name(declared) + " is declared";
    }
}
