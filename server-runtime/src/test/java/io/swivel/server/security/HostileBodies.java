package io.swivel.server.security;

import com.esotericsoftware.kryo.io.Output;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes request bodies by hand, byte by byte, in the format Swivel's
 * {@code SerializationContext} reads: a value count, then each value with its class (Kryo 5:
 * {@code id + 2} for registered classes such as String, or {@code 1} + a per-value name id + the
 * class name the first time the name appears), POJOs and records as a member count followed by
 * name, length-prefixed chunk per member. What a hostile peer can send, including what no
 * encoder would produce: lying lengths, canary class names, nesting far past any limit.
 */
final class HostileBodies {

    /** Kryo's registered id of java.lang.String. */
    static final int STRING_ID = 1;

    private final Output out;
    private final Map<String, Integer> nameIds;

    private HostileBodies(Output out, Map<String, Integer> nameIds) {
        this.out = out;
        this.nameIds = nameIds;
    }

    /** A body of the given values; each value starts with fresh class-name ids, as Kryo's do. */
    @SafeVarargs
    static byte[] body(Consumer<HostileBodies>... values) {
        Output out = new Output(256, -1);
        out.writeVarInt(values.length, true);
        for (Consumer<HostileBodies> value : values) {
            value.accept(new HostileBodies(out, new HashMap<>()));
        }
        return out.toBytes();
    }

    /** Writes a class by name (the name itself the first time in this value, its id later). */
    HostileBodies className(String name) {
        out.writeVarInt(1, true); // NAME + 2
        Integer id = nameIds.get(name);
        if (id != null) {
            out.writeVarInt(id, true);
        } else {
            id = nameIds.size();
            nameIds.put(name, id);
            out.writeVarInt(id, true);
            out.writeString(name);
        }
        return this;
    }

    /** Writes a registered class by its id. */
    HostileBodies classId(int id) {
        out.writeVarInt(id + 2, true);
        return this;
    }

    /** A String value with its class. */
    HostileBodies string(String value) {
        classId(STRING_ID);
        out.writeString(value);
        return this;
    }

    /** Raw bytes. */
    HostileBodies raw(Consumer<Output> bytes) {
        bytes.accept(out);
        return this;
    }

    /** A null value. */
    HostileBodies nil() {
        out.writeVarInt(0, true);
        return this;
    }

    /** A POJO or record of class {@code className} with one member, its value in a chunk. */
    HostileBodies object(String className, String name, Consumer<HostileBodies> value) {
        return object(className, List.of(Map.entry(name, value)));
    }

    /** A POJO or record of class {@code className} with two members, each value in its chunk. */
    HostileBodies object(String className, String name1, Consumer<HostileBodies> value1, String name2,
                         Consumer<HostileBodies> value2) {
        return object(className, List.of(Map.entry(name1, value1), Map.entry(name2, value2)));
    }

    private HostileBodies object(String className, List<Map.Entry<String, Consumer<HostileBodies>>> members) {
        className(className);
        out.writeVarInt(members.size(), true);
        for (Map.Entry<String, Consumer<HostileBodies>> member : members) {
            out.writeString(member.getKey());
            Output chunk = new Output(64, -1);
            member.getValue().accept(new HostileBodies(chunk, nameIds));
            out.writeVarInt(chunk.position(), true);
            out.writeBytes(chunk.getBuffer(), 0, chunk.position());
        }
        return this;
    }

    /**
     * A collection of class {@code className} whose elements are written each with its class
     * (Kryo's CollectionSerializer with mixed element types).
     */
    @SafeVarargs
    final HostileBodies collection(String className, Consumer<HostileBodies>... elements) {
        className(className);
        out.writeVarIntFlag(false, elements.length + 1, true);
        for (Consumer<HostileBodies> element : elements) {
            element.accept(this);
        }
        return this;
    }

    /** A map of class {@code className}: keys and values alternate, each written with its class. */
    @SafeVarargs
    final HostileBodies map(String className, Consumer<HostileBodies>... keysAndValues) {
        className(className);
        out.writeVarInt(keysAndValues.length / 2 + 1, true);
        for (Consumer<HostileBodies> element : keysAndValues) {
            element.accept(this);
        }
        return this;
    }
}
