package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When no accessor can be generated ({@link HiddenAccessors}), a plain class's fields go through
 * the method handles it would have called ({@link HandleAccessor}): the same bytes, the same
 * values, the same errors.
 */
class AccessorFallbackTest {

    static class Base {
        private String shadowed = "base";
        private long inherited;
    }

    static class Dto extends Base {
        private int count;
        private double ratio;
        private char letter;
        private String shadowed;
        private List<String> tags;
        private final short fixed;

        Dto() {
            this((short) 1);
        }

        Dto(short fixed) {
            this.fixed = fixed;
        }
    }

    private static final MemberAccessor.Factory REFUSED = (getters, setters) -> {
        throw new IllegalAccessException("refused for the test");
    };

    private static Dto dto() {
        Dto dto = new Dto((short) -7);
        dto.count = 300;
        dto.ratio = 0.25;
        dto.letter = 'q';
        dto.shadowed = "dto";
        dto.tags = new ArrayList<>(List.of("a", "b"));
        ((Base) dto).shadowed = "base of dto";
        ((Base) dto).inherited = -1L << 50;
        return dto;
    }

    private static Kryo kryo() {
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(false);
        kryo.setReferences(false);
        SerializationContext.configureSerializers(kryo);
        return kryo;
    }

    private static byte[] write(CompatibleObjectSerializer<Dto> serializer, Dto dto) {
        Output output = new Output(256, -1);
        kryo().writeObject(output, dto, serializer);
        return output.toBytes();
    }

    private static Dto read(CompatibleObjectSerializer<Dto> serializer, byte[] bytes) {
        return kryo().readObject(new Input(bytes), Dto.class, serializer);
    }

    private static void assertSameFields(Dto actual) {
        Dto expected = dto();
        assertThat(actual).usingRecursiveComparison().isEqualTo(expected);
        assertThat(actual.fixed).isEqualTo((short) -7);
        assertThat(((Base) actual).shadowed).isEqualTo("base of dto");
    }

    @Test
    void aFailingGenerationIsKeptAndTheHandlesAreUsed() {
        CompatibleObjectSerializer<Dto> fallback = CompatibleObjectSerializer.of(Dto.class, false, REFUSED);

        assertThat(fallback.generationFailure).isInstanceOf(IllegalAccessException.class).hasMessage("refused for the test");
        assertThat(fallback.accessor).isInstanceOf(HandleAccessor.class);
        assertThat(CompatibleObjectSerializer.of(Dto.class, false).accessor).isNotInstanceOf(HandleAccessor.class);
    }

    @Test
    void bothWriteTheSameBytesAndReadEachOthers() {
        CompatibleObjectSerializer<Dto> generated = CompatibleObjectSerializer.of(Dto.class, false);
        CompatibleObjectSerializer<Dto> fallback = CompatibleObjectSerializer.of(Dto.class, false, REFUSED);

        byte[] bytes = write(generated, dto());

        assertThat(write(fallback, dto())).isEqualTo(bytes);
        assertSameFields(read(fallback, bytes));
        assertSameFields(read(generated, write(fallback, dto())));
    }

    @Test
    void bothWriteTheSameNameKeyedBytes() {
        CompatibleObjectSerializer<Dto> generated = CompatibleObjectSerializer.of(Dto.class, true);
        CompatibleObjectSerializer<Dto> fallback = CompatibleObjectSerializer.of(Dto.class, true, REFUSED);

        byte[] bytes = write(generated, dto());

        assertThat(write(fallback, dto())).isEqualTo(bytes);
        assertSameFields(read(fallback, bytes));
    }

    @Test
    void aLinkageErrorOrRuntimeExceptionFallsBackToo() {
        CompatibleObjectSerializer<Dto> linkage = CompatibleObjectSerializer.of(Dto.class, false, (getters, setters) -> {
            throw new NoClassDefFoundError("io/swivel/protocol/kryo/MemberAccessor");
        });
        CompatibleObjectSerializer<Dto> runtime = CompatibleObjectSerializer.of(Dto.class, false, (getters, setters) -> {
            throw new IllegalArgumentException("bad bytes");
        });

        assertThat(linkage.generationFailure).isInstanceOf(NoClassDefFoundError.class);
        assertThat(runtime.generationFailure).isInstanceOf(IllegalArgumentException.class);
        assertSameFields(read(linkage, write(runtime, dto())));
    }

    @Test
    void bothRefuseAValueOfTheWrongTypeWithTheSameMessage() {
        CompatibleObjectSerializer<Dto> generated = CompatibleObjectSerializer.of(Dto.class, false);
        CompatibleObjectSerializer<Dto> fallback = CompatibleObjectSerializer.of(Dto.class, false, REFUSED);
        int tags = generated.indexOf("tags");
        int count = generated.indexOf("count");

        for (CompatibleObjectSerializer<Dto> serializer : List.of(generated, fallback)) {
            assertThatThrownBy(() -> serializer.set(new Dto(), tags, "not a list")).isInstanceOf(KryoException.class)
                    .hasMessage("cannot set field tags of " + Dto.class.getName()
                            + ": java.lang.ClassCastException: Cannot cast java.lang.String to java.util.List");
            assertThatThrownBy(() -> serializer.set(new Dto(), count, null)).isInstanceOf(KryoException.class)
                    .hasMessageStartingWith("cannot set field count of " + Dto.class.getName() + ": java.lang.NullPointerException");
        }
    }
}
