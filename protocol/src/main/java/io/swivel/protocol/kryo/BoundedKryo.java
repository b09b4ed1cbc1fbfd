package io.swivel.protocol.kryo;

import static io.swivel.protocol.kryo.ValueKinds.ARRAY;
import static io.swivel.protocol.kryo.ValueKinds.COLLECTION;
import static io.swivel.protocol.kryo.ValueKinds.HASHED_MAP;
import static io.swivel.protocol.kryo.ValueKinds.HASHED_SET;
import static io.swivel.protocol.kryo.ValueKinds.LEAF;
import static io.swivel.protocol.kryo.ValueKinds.MAP;
import static io.swivel.protocol.kryo.ValueKinds.OPTIONAL;
import static io.swivel.protocol.kryo.ValueKinds.OTHER;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import java.lang.reflect.Type;

/**
 * A Kryo that, while it decodes a body under a {@link DecodeBudget}, sees every value read and:
 * <ul>
 *   <li>checks its class, as soon as the class id or name is read and before anything is built,
 *       against the type declared where the value sits: the parameter for an argument, the field or
 *       record component for a member, the element, key or value type for a collection or map
 *       element ({@link DeclaredTypes});</li>
 *   <li>counts it, and every collection's declared size before the collection is created
 *       ({@link BoundedCollections}), against the budget;</li>
 *   <li>counts, for every key of a hashed set or map, the earlier keys with the same hash code
 *       (weighted by the key's size): what a {@code HashMap} compares a key with when keys are
 *       not mutually comparable. That is the whole cost of a hash flood, charged before the key
 *       is inserted.</li>
 * </ul>
 * Outside a budgeted decode (encoding, or a bare {@code readClassAndObject}) it is plain Kryo.
 * The frame stack is preallocated: a decode allocates nothing here but the {@link HashWork}
 * tables of large hashed collections. One thread at a time, like any Kryo.
 */
final class BoundedKryo extends Kryo {

    private static final int FRAMES = SerializationContext.MAX_DEPTH + 2;

    private DecodeBudget budget;
    private Type expectedNext;
    private int top = -1;
    private final Type[] declared = new Type[FRAMES];
    private final byte[] kinds = new byte[FRAMES];
    private final int[] children = new int[FRAMES];
    private final HashWork[] hashWork = new HashWork[FRAMES];
    /** Per frame, the declared type of its elements (of its keys for a map), and of a map's values. */
    private final Type[] elementTypes = new Type[FRAMES];
    private final Type[] valueTypes = new Type[FRAMES];
    /** Their erasures, worked out once per container, not per element ({@link DeclaredTypes#erasure}). */
    private final Class<?>[] elementBounds = new Class<?>[FRAMES];
    private final Class<?>[] valueBounds = new Class<?>[FRAMES];
    /**
     * The last container's declared type and kind, and what was worked out from them: a body's
     * containers repeat their declared types (a list field of every element of a page), and
     * reflection's type arguments and bounds are copied arrays. Holds types of this context's
     * classes only, so it pins nothing the context does not.
     */
    private Type lastContainer;
    private byte lastKind;
    private Type lastElement;
    private Type lastValue;
    private Class<?> lastElementBound;
    private Class<?> lastValueBound;
    private final ValueKinds valueKinds = new ValueKinds();
    private final Descriptions descriptions = new Descriptions();
    private final int maxBodyLength;

    /** @param maxBodyLength the longest body written: also bounds a member's chunk copied aside ({@link NamedChunks}) */
    BoundedKryo(AllowlistClassResolver resolver, int maxBodyLength) {
        super(resolver, null);
        this.maxBodyLength = maxBodyLength;
    }

    /** The longest body written, or -1 (no bound) for a Kryo that is not a {@code BoundedKryo}. */
    static int maxBodyLength(Kryo kryo) {
        return kryo instanceof BoundedKryo bounded ? bounded.maxBodyLength : -1;
    }

    /** The class descriptions of the value being written or read. */
    Descriptions descriptions() {
        return descriptions;
    }

    /** Also forgets the class descriptions, as Kryo forgets class names: at the end of every top-level value. */
    @Override
    public void reset() {
        super.reset();
        if (descriptions != null) { // null while Kryo's constructor runs
            descriptions.reset();
        }
    }

    /** Starts decoding a body of {@code length} bytes under {@code budget}. */
    void begin(DecodeBudget budget, int length) {
        this.top = -1;
        this.expectedNext = null;
        this.budget = budget;
        // Kryo resets its class-name table whenever its depth returns to 0, which for a class read
        // here (before the object's depth is entered) would be between the class and its object;
        // the decode resets after each top-level value instead ({@link #valueDone}), as the writer does.
        setAutoReset(false);
        budget.start(length);
    }

    /** One top-level value was read: forget class names, as the writer did after writing it. */
    void valueDone() {
        reset();
    }

    /** Ends the budgeted decode, whatever happened in it. */
    void end() {
        for (int i = 0; i <= top && i < FRAMES; i++) {
            declared[i] = null;
            elementTypes[i] = null;
            valueTypes[i] = null;
            elementBounds[i] = null;
            valueBounds[i] = null;
        }
        top = -1;
        expectedNext = null;
        budget = null;
        reset();
        setAutoReset(true);
    }

    /** The type declared for the next value read (an argument, a field); used once. */
    void expectNext(Type type) {
        if (budget != null) {
            expectedNext = type;
        }
    }

    /** Counts the declared size of a collection, before it is created. Called by {@link BoundedCollections}. */
    static void chargeElements(Kryo kryo, int size) {
        if (kryo instanceof BoundedKryo bounded && bounded.budget != null) {
            bounded.budget.chargeObjects(size);
        }
    }

    /** Whether {@code kryo} is decoding under a budget. */
    static boolean budgeted(Kryo kryo) {
        return kryo instanceof BoundedKryo bounded && bounded.budget != null;
    }

    /** Counts work done outside the frames, such as an immutable set's probing. Called by {@link BoundedCollections}. */
    static void chargeHashWork(Kryo kryo, long work) {
        if (kryo instanceof BoundedKryo bounded && bounded.budget != null) {
            bounded.budget.chargeHashWork(work);
        }
    }

    /** The next value read (a sorted collection's comparator) is bound by nothing but the allowlist. */
    static void expectAny(Kryo kryo) {
        if (kryo instanceof BoundedKryo bounded) {
            bounded.expectNext(Object.class);
        }
    }

    /** What a collection read in its header (a comparator) was not one of its elements. */
    static void forgetChildren(Kryo kryo) {
        if (kryo instanceof BoundedKryo bounded && bounded.budget != null && bounded.top >= 0) {
            bounded.children[bounded.top] = 0;
        }
    }

    @Override
    public Object readClassAndObject(Input input) {
        if (budget == null) {
            return super.readClassAndObject(input);
        }
        Type expected = takeExpected();
        Registration registration = super.readClass(input);
        if (registration == null) {
            childDone(null, 0);
            return null;
        }
        checkType(expected, registration.getType(), input);
        return readFramed(input, registration.getType(), registration.getSerializer(), expected, false);
    }

    /** The class of all elements of a collection, read once before them: checked against their declared type. */
    @Override
    public Registration readClass(Input input) {
        Registration registration = super.readClass(input);
        if (budget != null && registration != null && top >= 0 && expectedNext == null) {
            checkType(childType(top), registration.getType(), input);
        }
        return registration;
    }

    @Override
    public <T> T readObject(Input input, Class<T> type) {
        return budget == null ? super.readObject(input, type) : readObject(input, type, getSerializer(type));
    }

    @Override
    @SuppressWarnings("rawtypes")
    public <T> T readObject(Input input, Class<T> type, Serializer serializer) {
        if (budget == null) {
            return super.readObject(input, type, serializer);
        }
        Type expected = takeExpected();
        checkType(expected, type, input);
        return readFramed(input, type, serializer, expected, false);
    }

    @Override
    public <T> T readObjectOrNull(Input input, Class<T> type) {
        return budget == null ? super.readObjectOrNull(input, type) : readObjectOrNull(input, type, getSerializer(type));
    }

    @Override
    @SuppressWarnings("rawtypes")
    public <T> T readObjectOrNull(Input input, Class<T> type, Serializer serializer) {
        if (budget == null) {
            return super.readObjectOrNull(input, type, serializer);
        }
        Type expected = takeExpected();
        checkType(expected, type, input);
        return readFramed(input, type, serializer, expected, true);
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private <T> T readFramed(Input input, Class<T> type, Serializer serializer, Type expected, boolean orNull) {
        long before = budget.objects();
        budget.chargeObjects(1);
        if (top + 1 >= FRAMES) {
            throw new KryoException("the body nests deeper than " + SerializationContext.MAX_DEPTH);
        }
        byte kind = valueKinds.of(type, serializer);
        if (kind == LEAF) { // nothing is read inside it: no frame to keep, its weight is its own
            T value = orNull ? super.readObjectOrNull(input, type, serializer) : super.readObject(input, type, serializer);
            childDone(value, 1);
            return value;
        }
        int frame = ++top;
        declared[frame] = expected;
        kinds[frame] = kind;
        children[frame] = 0;
        if (kind != OTHER) { // once per container, not per element: getActualTypeArguments copies its array
            if (expected != lastContainer || kind != lastKind) {
                resolveContainer(expected, kind);
            }
            elementTypes[frame] = lastElement;
            valueTypes[frame] = lastValue;
            elementBounds[frame] = lastElementBound;
            valueBounds[frame] = lastValueBound;
        }
        if (kind == HASHED_SET || kind == HASHED_MAP) {
            if (hashWork[frame] == null) {
                hashWork[frame] = new HashWork();
            } else {
                hashWork[frame].reset();
            }
        }
        T value;
        try {
            value = orNull ? super.readObjectOrNull(input, type, serializer) : super.readObject(input, type, serializer);
        } finally {
            declared[frame] = null;
            elementTypes[frame] = null;
            valueTypes[frame] = null;
            elementBounds[frame] = null;
            valueBounds[frame] = null;
            top = frame - 1;
        }
        childDone(value, budget.objects() - before);
        return value;
    }

    private Type takeExpected() {
        Type expected = expectedNext;
        if (expected != null) {
            expectedNext = null;
            return expected;
        }
        return top >= 0 ? childType(top) : Object.class;
    }

    private Type childType(int frame) {
        return switch (kinds[frame]) {
            case OTHER -> Object.class;
            case MAP, HASHED_MAP -> (children[frame] & 1) == 0 ? elementTypes[frame] : valueTypes[frame];
            default -> elementTypes[frame];
        };
    }

    private void resolveContainer(Type expected, byte kind) {
        lastElement = childTypeOf(kind, expected, 0);
        lastValue = kind == MAP || kind == HASHED_MAP ? childTypeOf(kind, expected, 1) : null;
        lastElementBound = DeclaredTypes.erasure(lastElement);
        lastValueBound = lastValue == null ? null : DeclaredTypes.erasure(lastValue);
        lastContainer = expected;
        lastKind = kind;
    }

    private static Type childTypeOf(byte kind, Type declared, int index) {
        return switch (kind) {
            case COLLECTION, HASHED_SET -> DeclaredTypes.element(declared);
            case MAP, HASHED_MAP -> DeclaredTypes.mapArgument(declared, index);
            case ARRAY -> DeclaredTypes.component(declared);
            case OPTIONAL -> DeclaredTypes.optionalValue(declared);
            default -> Object.class;
        };
    }

    /** A value read into the top frame: counts it, and for a key of a hashed collection, its equal-hash predecessors. */
    private void childDone(Object value, long weight) {
        if (top < 0) {
            return;
        }
        int index = children[top]++;
        byte kind = kinds[top];
        if (value != null && (kind == HASHED_SET || (kind == HASHED_MAP && (index & 1) == 0))) {
            int earlier = hashWork[top].add(value.hashCode());
            if (earlier > 0) {
                budget.chargeHashWork(earlier * Math.max(1, weight));
            }
        }
    }

    /** An element's declared type was resolved with its container: its erasure too. */
    private Class<?> boundOf(Type expected) {
        if (top >= 0) {
            if (expected == elementTypes[top]) {
                return elementBounds[top];
            }
            if (expected == valueTypes[top]) {
                return valueBounds[top];
            }
        }
        return DeclaredTypes.erasure(expected);
    }

    private void checkType(Type expected, Class<?> actual, Input input) {
        if (expected == Object.class || expected == actual) {
            return;
        }
        Class<?> bound = boundOf(expected);
        // The common case first: a value of exactly its declared (boxed) class. It spares the
        // subtype check, which showed as a tenth of a worker's samples on getUser's long argument.
        if (bound != actual && !bound.isAssignableFrom(actual) && !bound.isAssignableFrom(NamedChunks.boxed(actual))) {
            throw new DecodeRefusedException(DecodeRefusedException.Limit.DECLARED_TYPE, "a " + NamedChunks.boxed(actual).getName()
                    + " where " + DeclaredTypes.name(expected) + " is declared (at byte " + input.position()
                    + " of the body)");
        }
    }
}
