package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The body form of plain classes ({@link CompatibleObjectSerializer}) and records
 * ({@link CompatibleRecordSerializer}): an object's members described once per value, then its
 * values by position; and, for older writers, the name-keyed form ({@link NamedChunks}).
 *
 * <pre>
 *   varint tag                      (after the class id or name Kryo writes)
 *   tag &lt;= 1024:                    the name-keyed form: tag is the member count (see NamedChunks)
 *   tag = 2048 + n, n &lt; 256:        the described form, description number n:
 *     if n is the next number:      varint length, then the description in length bytes:
 *                                     varint count, count x ( string name, byte kind )
 *     per described member, in order: its value by its kind (MemberKind): a primitive as Kryo
 *                                     writes it, a String as Kryo writes it, anything else in a
 *                                     chunk: varint length, the value written with its class
 * </pre>
 *
 * <p>Descriptions are numbered per value ({@link Descriptions}): the first object of a class in a
 * value carries the description, the next ones only its number. A reader maps a description onto
 * its own members by name once ({@link Plan}) and keeps the last {@value #CACHED_PLANS} it met
 * per class, found again by comparing the description's bytes: so an added, removed or reordered
 * member decodes both ways, and a known description costs a byte comparison, not a name lookup per
 * member per object. An unknown member is skipped: a primitive or string is read and dropped, a
 * chunk skipped by its length without reading its class. The class names Kryo first writes inside
 * a described member's chunk are forgotten when it ends, on both sides, as its descriptions are
 * ({@link AllowlistClassResolver#rollBack}): a class used again after a skipped chunk is named
 * again. The name-keyed form leaves Kryo's names unscoped, as its older writers did. Values are read (and a plain
 * class's fields set) through a {@link MemberAccessor} made once per class, a primitive unboxed,
 * not through per-field reflection.
 *
 * <p>An older reader (name-keyed form only) refuses the described form at its first object: it
 * reads the tag as a member count above 1024 and fails with "... with 2048 members (expected: &lt;=
 * 1024)". This reader reads both forms.
 */
abstract class MemberSerializer<T> extends Serializer<T> {

    /** The first tag of the described form; tags from 1025 on were always refused by older readers. */
    static final int DESCRIBED = 2048;
    /** Plans kept per class (per Kryo instance): writers of that many versions at once stay cheap. */
    static final int CACHED_PLANS = 4;
    /** A description longer than this is parsed every time it comes, not kept. */
    static final int MAX_CACHED_DESCRIPTION = 16 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(MemberSerializer.class);

    final Class<T> type;
    final String[] names;
    final Class<?>[] memberTypes;
    final Type[] genericTypes;
    private final Class<?>[] boxedTypes;
    private final byte[] kinds;
    /** Reads the members (and sets a plain class's fields) by index. */
    final MemberAccessor accessor;
    /** Why {@link HiddenAccessors} could not make {@link #accessor} (a {@link HandleAccessor} then), or null. */
    final Throwable generationFailure;
    private final byte[] description;
    private final boolean nameKeyed;
    final NamedChunks chunks;
    private final Plan[] plans = new Plan[CACHED_PLANS];
    private int nextPlan;
    private Descriptions writtenIn;
    private int writtenGeneration;
    private int writtenNumber;

    /**
     * @param getters per member, {@code (T) -> member type}
     * @param setters per member, {@code (Object, Object) -> void}; null if members are not set through {@link #accessor}
     * @param factory makes {@link #accessor} over them; if it fails, a {@link HandleAccessor} is used
     * @param nameKeyed write the name-keyed form (what older writers write and older readers read: {@link BodyForm#NAME_KEYED})
     */
    MemberSerializer(Class<T> type, String[] names, Class<?>[] memberTypes, Type[] genericTypes, MethodHandle[] getters,
            MethodHandle[] setters, MemberAccessor.Factory factory, boolean nameKeyed) {
        this.type = type;
        this.names = names;
        this.memberTypes = memberTypes;
        this.genericTypes = genericTypes;
        this.nameKeyed = nameKeyed;
        int n = names.length;
        this.boxedTypes = new Class<?>[n];
        this.kinds = new byte[n];
        MemberAccessor made;
        Throwable failure = null;
        try {
            made = factory.define(getters, setters);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.warn("{}: no accessor could be generated, its members are read through method handles (slower)", type.getName(), e);
            made = new HandleAccessor(getters, setters);
            failure = e;
        }
        this.accessor = made;
        this.generationFailure = failure;
        Output described = new Output(64, -1);
        described.writeVarInt(n, true);
        for (int i = 0; i < n; i++) {
            boxedTypes[i] = NamedChunks.boxed(memberTypes[i]);
            kinds[i] = MemberKind.of(memberTypes[i]);
            described.writeString(names[i]);
            described.writeByte(kinds[i]);
        }
        Output header = new Output(described.position() + 5, -1);
        header.writeVarInt(described.position(), true);
        header.writeBytes(described.getBuffer(), 0, described.position());
        this.description = header.toBytes();
        this.chunks = new NamedChunks(type.getName(), names);
    }

    /** Creates the object (or the state it is built from) that members are read into. */
    abstract Object begin(Kryo kryo, Class<? extends T> requested);

    /** Sets member {@code index} of {@code state}; the value is of the member's (boxed) type. */
    abstract void set(Object state, int index, Object value);

    /** The object read. */
    abstract T finish(Object state);

    /** "field" or "record component", for messages. */
    abstract String memberWord();

    String typeName() {
        return type.getName();
    }

    /** The member of that name, or -1. */
    int indexOf(String name) {
        return chunks.indexOf(name);
    }

    Type declaredType(int index) {
        return genericTypes[index];
    }

    @Override
    public final void write(Kryo kryo, Output output, T object) {
        int number = nameKeyed ? -1 : describe(kryo, output);
        if (number < 0) {
            writeNameKeyed(kryo, output, object);
            return;
        }
        for (int i = 0; i < kinds.length; i++) {
            writeValue(kryo, output, i, object);
        }
    }

    /** Writes the tag, and the description if this value has none of it yet; -1 if the table is full. */
    private int describe(Kryo kryo, Output output) {
        Descriptions table = Descriptions.of(kryo);
        if (writtenIn == table && writtenGeneration == table.generation() && table.owner(writtenNumber) == this) {
            output.writeVarInt(DESCRIBED + writtenNumber, true);
            return writtenNumber;
        }
        int number = table.add(this);
        if (number >= 0) {
            output.writeVarInt(DESCRIBED + number, true);
            output.writeBytes(description);
            writtenIn = table;
            writtenGeneration = table.generation();
            writtenNumber = number;
        }
        return number;
    }

    private void writeValue(Kryo kryo, Output output, int i, T object) {
        Object value = null;
        try {
            switch (kinds[i]) {
                case MemberKind.OBJECT -> value = accessor.get(object, i);
                case MemberKind.STRING -> output.writeString((String) accessor.get(object, i));
                case MemberKind.INT -> output.writeVarInt(accessor.getInt(object, i), false);
                case MemberKind.LONG -> output.writeVarLong(accessor.getLong(object, i), false);
                case MemberKind.BOOLEAN -> output.writeBoolean(accessor.getBoolean(object, i));
                case MemberKind.DOUBLE -> output.writeDouble(accessor.getDouble(object, i));
                case MemberKind.FLOAT -> output.writeFloat(accessor.getFloat(object, i));
                case MemberKind.BYTE -> output.writeByte(accessor.getByte(object, i));
                case MemberKind.SHORT -> output.writeShort(accessor.getShort(object, i));
                default -> output.writeChar(accessor.getChar(object, i));
            }
        } catch (KryoException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw cannotRead(i, e);
        }
        if (kinds[i] == MemberKind.OBJECT) {
            NamedChunks.writeChunk(kryo, output, value, true);
        }
    }

    private RuntimeException cannotRead(int i, Throwable e) {
        return new KryoException("cannot read " + memberWord() + " " + names[i] + " of " + type.getName() + ": " + e, e);
    }

    private void writeNameKeyed(Kryo kryo, Output output, T object) {
        chunks.writeCount(output);
        for (int i = 0; i < names.length; i++) {
            Object value;
            try {
                value = accessor.get(object, i);
            } catch (Error e) {
                throw e;
            } catch (Throwable e) {
                throw cannotRead(i, e);
            }
            chunks.write(kryo, output, i, value);
        }
    }

    @Override
    public final T read(Kryo kryo, Input input, Class<? extends T> requested) {
        int tag = input.readVarInt(true);
        if (tag <= NamedChunks.MAX_MEMBERS) {
            return readNameKeyed(kryo, input, requested, tag);
        }
        if (tag < DESCRIBED || tag >= DESCRIBED + Descriptions.MAX) {
            throw new KryoException(type.getName() + ": tag " + Integer.toUnsignedString(tag) + " is neither a member count"
                    + " (<= " + NamedChunks.MAX_MEMBERS + ") nor a description number (" + DESCRIBED + " to "
                    + (DESCRIBED + Descriptions.MAX - 1) + ")");
        }
        Plan plan = plan(kryo, input, tag - DESCRIBED);
        Object state = begin(kryo, requested);
        BoundedKryo.chargeElements(kryo, plan.bare);
        for (int w = 0; w < plan.size(); w++) {
            int target = plan.targets[w];
            byte kind = plan.kinds[w];
            Object value;
            if (kind == MemberKind.OBJECT) {
                value = chunks.readValue(kryo, input, target, plan.names[w], target >= 0 ? genericTypes[target] : Object.class,
                        true);
            } else {
                value = MemberKind.read(kind, input);
                if (value != null && target >= 0) {
                    if (plan.mismatches[w] != null) {
                        throw new DecodeRefusedException(DecodeRefusedException.Limit.DECLARED_TYPE, type.getName() + "."
                                + names[target] + ": " + plan.mismatches[w] + " (at byte " + input.position()
                                + " of the body)");
                    }
                    set(state, target, value); // of the kind's class, which the plan found the member takes
                    continue;
                }
            }
            if (target >= 0) {
                assign(state, target, value);
            }
        }
        return finish(state);
    }

    /** The plan of description {@code number}: one open in this value, or the one that follows. */
    private Plan plan(Kryo kryo, Input input, int number) {
        Descriptions table = Descriptions.of(kryo);
        if (number != table.mark()) {
            Object described = table.described(number, type); // refuses a number never defined
            if (!(described instanceof Plan plan) || !plan.isFor(this)) {
                throw new KryoException(type.getName() + " refers to description #" + number + ", which describes "
                        + (described instanceof Plan other ? other.typeName() : "something else"));
            }
            return plan;
        }
        int length = input.readVarInt(true);
        int left = input.limit() - input.position();
        if (length > left) {
            throw new KryoException("a description of " + type.getName() + " declares " + length + " bytes, " + left + " left");
        }
        Plan plan = cached(input, length);
        if (plan != null) {
            BoundedKryo.chargeElements(kryo, plan.size());
            input.setPosition(input.position() + length);
        } else {
            plan = Plan.parse(kryo, input, length, this);
            if (length <= MAX_CACHED_DESCRIPTION) {
                plans[nextPlan] = plan;
                nextPlan = (nextPlan + 1) % CACHED_PLANS;
            }
        }
        table.add(plan); // number == mark < Descriptions.MAX: there is room
        return plan;
    }

    private Plan cached(Input input, int length) {
        for (Plan plan : plans) {
            if (plan != null && plan.matches(input, length)) {
                return plan;
            }
        }
        return null;
    }

    private T readNameKeyed(Kryo kryo, Input input, Class<? extends T> requested, int count) {
        Object state = begin(kryo, requested);
        int expected = 0;
        for (int n = 0; n < count; n++) {
            int index = chunks.readName(input, expected);
            Object value = chunks.readValue(kryo, input, index, index >= 0 ? names[index] : "(a " + memberWord()
                    + " unknown here)", index >= 0 ? genericTypes[index] : Object.class, false);
            if (index < 0) {
                continue;
            }
            expected = index + 1;
            assign(state, index, value);
        }
        return finish(state);
    }

    private void assign(Object state, int index, Object value) {
        if (value == null) {
            if (memberTypes[index].isPrimitive()) {
                return; // not sent as a primitive; keep the default
            }
        } else if (!boxedTypes[index].isInstance(value)) {
            throw new KryoException(memberWord() + " " + type.getName() + "." + names[index] + " is a "
                    + memberTypes[index].getName() + ", got " + value.getClass().getName());
        }
        set(state, index, value);
    }
}
