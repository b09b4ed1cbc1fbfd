package io.swivel.protocol.kryo;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.SerializerFactory;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.KryoBufferOverflowException;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.lang.reflect.Type;
import java.net.URI;
import java.util.Objects;
import java.util.UUID;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * Encodes and decodes message bodies with Kryo for one classloader and one
 * {@link TypeAllowlist}. On the server there is one context per bundle generation (so its
 * Kryo instances, which cache classes, are dropped with the generation); on the client one
 * per proxied interface. Thread-safe: Kryo instances and buffers are pooled.
 *
 * <p>Objects are written with their class; classes are resolved through the given loader
 * after the allowlist accepted their name. Plain classes and records are written member by
 * member: a class's member names travel once per value, its values then by position
 * ({@link MemberSerializer}), and the reader maps them onto its own members by name, so a field
 * added, removed or reordered between versions still decodes.
 *
 * <p>Decoding is bounded whatever the bytes: a class outside the allowlist is refused before it
 * is loaded; a declared length, count or size larger than the bytes that could back it is
 * refused before anything is allocated for it, at every level of nesting ({@link BoundedInput},
 * {@link NamedChunks}); a graph deeper than {@value #MAX_DEPTH} is refused. Decoding against
 * declared types ({@link #decode(byte[], Type[], DecodeBudget)}) also refuses a value whose class
 * cannot be the type declared where it sits, as soon as its class is read, and bounds the objects,
 * collection elements and hash-collision work of the body by a {@link DecodeBudget}, which also
 * stops the decode when the call's deadline passes or its caller goes away ({@link BoundedKryo}).
 */
public final class SerializationContext {

    /**
     * Kryo's {@code Util} looks for {@code sun.misc.Unsafe} when it is first used unless the
     * {@code kryo.unsafe} property is {@code false}, and from JDK 24 on the JVM prints a warning
     * for that. Swivel's serializers use no unsafe field access (only Kryo's {@code FieldSerializer}
     * would), so Unsafe is turned off before any Kryo class is used, on every JDK alike; an
     * explicit {@code -Dkryo.unsafe=...} is left as it is.
     */
    static final String KRYO_UNSAFE = "kryo.unsafe";

    static {
        if (System.getProperty(KRYO_UNSAFE) == null) {
            System.setProperty(KRYO_UNSAFE, "false");
        }
    }

    /** The deepest object graph accepted. */
    public static final int MAX_DEPTH = 64;
    /** Values in one body (arguments of one call). */
    private static final int MAX_VALUES = 255;
    /** The longest body {@link #encode(ByteBufAllocator, byte[], Object)} writes in memory before streaming it. */
    static final int IN_MEMORY = 256 * 1024;

    private final ClassLoader classLoader;
    private final TypeAllowlist allowlist;
    private final int maxBodyLength;
    private final BodyForm form;
    private final StripedPool<BoundedKryo> kryos;
    private final StripedPool<Output> outputs;
    /** One accessor per class, shared by the pooled Kryos' serializers. */
    private final Accessors accessors = new Accessors(HiddenAccessors::define);

    private SerializationContext(ClassLoader classLoader, TypeAllowlist allowlist, int maxBodyLength, BodyForm form) {
        this.classLoader = classLoader;
        this.allowlist = allowlist;
        this.maxBodyLength = maxBodyLength;
        this.form = form;
        int capacity = Math.max(32, Runtime.getRuntime().availableProcessors() * 8);
        this.kryos = new StripedPool<>(capacity, this::newKryo);
        this.outputs = new StripedPool<>(capacity, () -> new Output(Math.min(1024, maxBodyLength), maxBodyLength));
    }

    /**
     * Creates a context.
     *
     * @param classLoader resolves allowed classes
     * @param allowlist the classes that may be decoded
     * @param maxBodyLength the longest body to produce, in bytes
     * @return the context
     */
    public static SerializationContext create(ClassLoader classLoader, TypeAllowlist allowlist, int maxBodyLength) {
        return create(classLoader, allowlist, maxBodyLength, BodyForm.DESCRIBED);
    }

    /**
     * Creates a context that writes plain classes and records in the given form (it reads both).
     *
     * @param classLoader resolves allowed classes
     * @param allowlist the classes that may be decoded
     * @param maxBodyLength the longest body to produce, in bytes
     * @param form the form bodies are written in: {@link BodyForm#NAME_KEYED} while peers built
     *     before the described form remain
     * @return the context
     */
    public static SerializationContext create(ClassLoader classLoader, TypeAllowlist allowlist, int maxBodyLength,
                                              BodyForm form) {
        Objects.requireNonNull(classLoader, "classLoader");
        Objects.requireNonNull(form, "form");
        Objects.requireNonNull(allowlist, "allowlist");
        if (maxBodyLength <= 0) {
            throw new IllegalArgumentException("maxBodyLength: " + maxBodyLength + " (expected: > 0)");
        }
        return new SerializationContext(classLoader, allowlist, maxBodyLength, form);
    }

    /**
     * The allowlist this context enforces.
     *
     * @return the allowlist
     */
    public TypeAllowlist allowlist() {
        return allowlist;
    }

    /** How many classes have a member accessor in this context (tests: one per class, whichever Kryo asked). */
    int accessorClasses() {
        return accessors.size();
    }

    private BoundedKryo newKryo() {
        BoundedKryo kryo = new BoundedKryo(new AllowlistClassResolver(allowlist), maxBodyLength);
        kryo.setClassLoader(classLoader);
        kryo.setRegistrationRequired(false);
        kryo.setWarnUnregisteredClasses(false);
        kryo.setReferences(false);
        kryo.setMaxDepth(MAX_DEPTH);
        configureSerializers(kryo, form == BodyForm.NAME_KEYED, accessors);
        return kryo;
    }

    /**
     * Installs the serializers that make up Swivel's body format on a Kryo: plain classes and
     * records member by member, described once per value and then by position
     * ({@link MemberSerializer}; the name-keyed form of older writers is read too), UUID and URI,
     * an instantiator that uses a no-argument constructor when there is one, and the fixed class
     * ids of the JDK types ({@link JdkTypes}).
     */
    static void configureSerializers(Kryo kryo) {
        configureSerializers(kryo, false);
    }

    /**
     * As {@link #configureSerializers(Kryo)}; with {@code nameKeyed}, plain classes and records are
     * written in the name-keyed form older writers write ({@link NamedChunks}), which older readers
     * read ({@link BodyForm#NAME_KEYED}).
     */
    static void configureSerializers(Kryo kryo, boolean nameKeyed) {
        configureSerializers(kryo, nameKeyed, new Accessors(HiddenAccessors::define));
    }

    /** As {@link #configureSerializers(Kryo, boolean)}, the accessors shared with the other Kryos of a context. */
    private static void configureSerializers(Kryo kryo, boolean nameKeyed, Accessors accessors) {
        kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        kryo.setDefaultSerializer(new SerializerFactory.BaseSerializerFactory<CompatibleObjectSerializer<?>>() {
            @Override
            @SuppressWarnings({"unchecked", "rawtypes"})
            public CompatibleObjectSerializer<?> newSerializer(Kryo k, Class type) {
                return CompatibleObjectSerializer.of(type, nameKeyed, accessors.forClass(type));
            }
        });
        kryo.addDefaultSerializer(UUID.class, new DefaultSerializers.UUIDSerializer());
        kryo.addDefaultSerializer(URI.class, new DefaultSerializers.URISerializer());
        kryo.addDefaultSerializer(Record.class, new SerializerFactory.BaseSerializerFactory<CompatibleRecordSerializer<?>>() {
            @Override
            @SuppressWarnings({"unchecked", "rawtypes"})
            public CompatibleRecordSerializer<?> newSerializer(Kryo k, Class type) {
                return CompatibleRecordSerializer.of(type, nameKeyed, accessors.forClass(type));
            }
        });
        JdkTypes.register(kryo);
        BoundedCollections.install(kryo, JdkTypes.types());
    }

    /**
     * Encodes values, each with its class (the arguments of a call, or one result).
     *
     * @param values the values; elements may be null
     * @return the body
     * @throws SerializationException if a value cannot be encoded or the body is too long
     * @throws VirtualMachineError if one struck while encoding (Kryo's wrapping removed): the JVM
     *     ran out of memory or stack, which says nothing about the value
     */
    public byte[] encode(Object... values) {
        if (values.length > MAX_VALUES) {
            throw new SerializationException("cannot encode " + values.length + " values (expected: <= " + MAX_VALUES + ")", null);
        }
        BoundedKryo kryo = kryos.obtain();
        Output output = outputs.obtain();
        try {
            writeValues(kryo, output, values);
            return output.toBytes();
        } catch (RuntimeException e) {
            throw encodeFailure(e, values);
        } finally {
            if (output.getBuffer().length > 64 * 1024) {
                output.setBuffer(new byte[Math.min(1024, maxBodyLength)], maxBodyLength); // do not pool a huge buffer
            }
            outputs.free(output);
            kryos.free(kryo);
        }
    }

    /**
     * Encodes one value (a result) into a Netty buffer from {@code alloc}, after {@code prefix} (a
     * frame's header): the same bytes as {@code prefix} followed by {@link #encode encode(value)},
     * without the {@code byte[]} copy of the body. A body of up to {@value #IN_MEMORY} bytes is
     * written in the pooled Kryo buffer and copied once into a buffer of its exact size; a longer
     * one is written again, streamed in chunks of {@value BufferBodyStream#CHUNK} bytes into a
     * composite buffer, so that no array of half a G1 region or more is made for it (with
     * {@code -Xmx1g} the regions are 1 MiB; a growing {@code byte[]} and its copy made each 1 MB
     * answer a series of humongous allocations). That holds for a top-level array or string: a
     * member of a record or plain object that is carried in a chunk ({@link NamedChunks}) is
     * written aside first to learn its length, in an array bounded by the body limit. The body
     * limit is the same.
     *
     * @param alloc allocates the buffer (the channel's)
     * @param prefix bytes to write before the body
     * @param value the value; may be null
     * @return the buffer, which the caller releases (writing it to a channel does)
     * @throws SerializationException as {@link #encode}; nothing is left allocated then
     * @throws VirtualMachineError as {@link #encode}
     */
    public ByteBuf encode(ByteBufAllocator alloc, byte[] prefix, Object value) {
        BoundedKryo kryo = kryos.obtain();
        Output output = outputs.obtain();
        Object[] values = {value};
        try {
            output.setBuffer(output.getBuffer(), Math.min(IN_MEMORY, maxBodyLength));
            try {
                writeValues(kryo, output, values);
                return alloc.ioBuffer(prefix.length + output.position()).writeBytes(prefix)
                        .writeBytes(output.getBuffer(), 0, output.position());
            } catch (RuntimeException e) {
                if (maxBodyLength <= IN_MEMORY || !(overflowCause(e) instanceof KryoBufferOverflowException)) {
                    throw e;
                }
            }
            BufferBodyStream stream = new BufferBodyStream(alloc, prefix, maxBodyLength);
            try {
                Output streaming = new Output(BufferBodyStream.CHUNK, BufferBodyStream.CHUNK);
                streaming.setOutputStream(stream);
                writeValues(kryo, streaming, values);
                streaming.flush();
                return stream.finish();
            } catch (RuntimeException | Error e) {
                stream.discard();
                throw e;
            }
        } catch (RuntimeException e) {
            throw encodeFailure(e, values);
        } finally {
            output.setBuffer(output.getBuffer().length > 64 * 1024 ? new byte[Math.min(1024, maxBodyLength)]
                    : output.getBuffer(), maxBodyLength); // do not pool a huge buffer; the limit back to the body's
            outputs.free(output);
            kryos.free(kryo);
        }
    }

    private static void writeValues(BoundedKryo kryo, Output output, Object[] values) {
        output.reset();
        output.writeVarInt(values.length, true);
        for (Object value : values) {
            kryo.writeClassAndObject(output, value);
        }
    }

    private static Throwable overflowCause(Throwable error) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof KryoBufferOverflowException) {
                return t;
            }
        }
        return null;
    }

    private static RuntimeException encodeFailure(RuntimeException e, Object[] values) {
        VirtualMachineError fatal = fatalCause(e);
        if (fatal != null) {
            throw fatal; // out of memory (or stack) while encoding: not a fault of the value, and not to be hidden
        }
        if (e instanceof SerializationException known) {
            return known;
        }
        return new SerializationException("cannot encode " + describe(values) + ": " + firstLine(e.getMessage()), e);
    }

    /**
     * Decodes values written by {@link #encode}, with no declared types (every value may be of
     * any allowed class) and the default {@link DecodeBudget}.
     *
     * @param body the body
     * @param expectedCount how many values must be there, or -1 for any
     * @return the values
     * @throws SerializationException if the body is malformed, has the wrong count, names
     *     a class outside the allowlist ({@link SerializationException#refusedClass()}), or
     *     exceeds the budget ({@link SerializationException#refusal()})
     */
    public Object[] decode(byte[] body, int expectedCount) {
        return decode(body, expectedCount, null, DecodeBudget.defaults());
    }

    /**
     * Decodes values written by {@link #encode} against their declared types (a method's
     * generic parameter types, or its one return type), under a budget.
     *
     * @param body the body
     * @param declaredTypes the type of each value; the body must hold exactly this many
     * @param budget the bounds of this body (single use)
     * @return the values
     * @throws SerializationException if the body is malformed, has the wrong count, names
     *     a class outside the allowlist ({@link SerializationException#refusedClass()}), holds a
     *     value that cannot be its declared type or exceeds the budget
     *     ({@link SerializationException#refusal()})
     */
    public Object[] decode(byte[] body, Type[] declaredTypes, DecodeBudget budget) {
        return decode(body, declaredTypes.length, declaredTypes, budget);
    }

    /**
     * Decodes the one value of a result body against the declared return type of its method (for
     * an asynchronous method, the type its future completes with).
     *
     * @param body the body
     * @param returnType the method's generic return type
     * @param budget the bounds of this body (single use)
     * @return the value
     * @throws SerializationException as {@link #decode(byte[], Type[], DecodeBudget)}
     */
    public Object decodeResult(byte[] body, Type returnType, DecodeBudget budget) {
        return decode(body, 1, new Type[] {DeclaredTypes.travelling(returnType)}, budget)[0];
    }

    private Object[] decode(byte[] body, int expectedCount, Type[] declaredTypes, DecodeBudget budget) {
        BoundedKryo kryo = kryos.obtain();
        try {
            kryo.begin(budget, body.length);
            Input input = new BoundedInput(body);
            int count = input.readVarInt(true);
            if (count < 0 || count > MAX_VALUES || (expectedCount >= 0 && count != expectedCount)) {
                throw new SerializationException("body holds " + count + " values (expected: "
                        + (expectedCount >= 0 ? expectedCount : "<= " + MAX_VALUES) + ")", null);
            }
            Object[] values = new Object[count];
            for (int i = 0; i < count; i++) {
                kryo.expectNext(declaredTypes != null ? declaredTypes[i] : Object.class);
                try {
                    values[i] = kryo.readClassAndObject(input);
                    kryo.valueDone();
                } catch (DecodeRefusedException e) {
                    throw new SerializationException((declaredTypes != null ? "argument " + i + " ("
                            + DeclaredTypes.name(declaredTypes[i]) + "): " : "") + e.getMessage(), e);
                }
            }
            if (input.position() != body.length) {
                throw new SerializationException((body.length - input.position()) + " unexpected bytes after the values", null);
            }
            return values;
        } catch (SerializationException e) {
            throw e;
        } catch (DecodeRefusedException e) {
            throw new SerializationException(e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new SerializationException("cannot decode body: " + firstLine(e.getMessage()), e);
        } finally {
            kryo.end();
            kryos.free(kryo);
        }
    }

    /** The {@link VirtualMachineError} that Kryo (or a record accessor's reflection) wrapped, if any. */
    private static VirtualMachineError fatalCause(Throwable error) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof VirtualMachineError fatal) {
                return fatal;
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static String describe(Object[] values) {
        StringBuilder types = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            types.append(i == 0 ? "" : ", ").append(values[i] == null ? "null" : values[i].getClass().getName());
        }
        return types.append(']').toString();
    }
}
