package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;

import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Hand-made message bodies, written the way Kryo 5's DefaultClassResolver writes them. */
final class Bodies {

    private Bodies() {
    }

    /**
     * A body of one value whose class is given by name: the value count, then the class as
     * Kryo 5.6's {@code DefaultClassResolver.writeName} writes it the first time in a graph
     * ({@code NAME + 2}, name id 0, the name with {@code writeAscii}), then the object's bytes.
     */
    static byte[] oneNamedValue(String className, byte[] objectBytes) {
        Output out = new Output(64, -1);
        out.writeVarInt(1, true);
        out.writeVarInt(DefaultClassResolver.NAME + 2, true);
        out.writeVarInt(0, true);
        out.writeAscii(className);
        out.writeBytes(objectBytes);
        return out.toBytes();
    }

    /**
     * A body as a context encodes it, but with plain classes and records in the name-keyed form
     * that writers before the described form wrote ({@link NamedChunks}).
     */
    static byte[] nameKeyed(Object... values) {
        com.esotericsoftware.kryo.Kryo kryo = new com.esotericsoftware.kryo.Kryo(
                new AllowlistClassResolver(TypeAllowlist.forServices(java.util.List.of())), null);
        kryo.setRegistrationRequired(false);
        kryo.setReferences(false);
        SerializationContext.configureSerializers(kryo, true);
        Output out = new Output(256, -1);
        out.writeVarInt(values.length, true);
        for (Object value : values) {
            kryo.writeClassAndObject(out, value);
        }
        return out.toBytes();
    }

    /** The bytes Kryo writes for an ASCII class name: the name, with the last byte's high bit set. */
    static byte[] kryoString(String value) {
        Output out = new Output(64, -1);
        out.writeAscii(value);
        return out.toBytes();
    }

    /** Replaces the only occurrence of one class name by another of the same encoded length. */
    static byte[] replaceName(byte[] body, String from, String to) {
        byte[] a = kryoString(from);
        byte[] b = kryoString(to);
        assertThat(b).hasSameSizeAs(a);
        int at = -1;
        for (int i = 0; i + a.length <= body.length; i++) {
            if (Arrays.equals(body, i, i + a.length, a, 0, a.length)) {
                assertThat(at).as("%s occurs more than once", from).isEqualTo(-1);
                at = i;
            }
        }
        assertThat(at).as("%s occurs in the body", from).isNotEqualTo(-1);
        byte[] patched = body.clone();
        System.arraycopy(b, 0, patched, at, b.length);
        return patched;
    }

    /** Delegates to its parent and remembers every class name it was asked for. */
    static final class RecordingLoader extends ClassLoader {

        final Set<String> requested = ConcurrentHashMap.newKeySet();

        RecordingLoader(ClassLoader parent) {
            super("recording", parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            requested.add(name);
            return super.loadClass(name, resolve);
        }
    }
}
