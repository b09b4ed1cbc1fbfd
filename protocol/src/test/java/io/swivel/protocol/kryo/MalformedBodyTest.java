package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whatever bytes arrive, decoding either yields values or throws {@link SerializationException}:
 * never another exception, never an {@link Error}, and never an allocation sized by a length the
 * body cannot back.
 */
class MalformedBodyTest {

    private static final int MAX_BODY = 1 << 20;

    interface Service {
        Dto call(Dto dto, Rec rec, Map<String, List<Dto>> map, String[] names, int[] numbers);
    }

    static class Dto {
        String name;
        int age;
        List<Dto> children;
        Map<String, Long> scores;
        int[] numbers;
    }

    record Rec(String a, int b, List<String> c) {
    }

    private static SerializationContext context() {
        return SerializationContext.create(MalformedBodyTest.class.getClassLoader(),
                TypeAllowlist.forServices(List.of(Service.class)), MAX_BODY);
    }

    private static byte[] validBody(SerializationContext context) {
        Dto dto = new Dto();
        dto.name = "parent";
        dto.age = 40;
        dto.children = new ArrayList<>(List.of(new Dto()));
        dto.scores = new HashMap<>(Map.of("x", 5L));
        dto.numbers = new int[] {1, 2, 3};
        return context.encode(dto, new Rec("a", 1, List.of("x", "y")), new HashMap<>(Map.of("k", List.of(dto))),
                new String[] {"n", "m"}, new int[] {7});
    }

    /** Decodes and returns what was thrown that is not allowed (null if the outcome was fine). */
    private static Throwable misbehaviour(SerializationContext context, byte[] body) {
        try {
            context.decode(body, -1);
            return null;
        } catch (SerializationException expected) {
            return null;
        } catch (Throwable wrong) {
            return wrong;
        }
    }

    @Test
    void randomCorruptionOfAValidBodyOnlyEverFailsWithSerializationException() {
        SerializationContext context = context();
        byte[] valid = validBody(context);
        assertThat(context.decode(valid, 5)).hasSize(5); // control

        Random random = new Random(20240506L);
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < 30_000 && failures.size() < 5; round++) {
            byte[] body = valid.clone();
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                body[random.nextInt(body.length)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(4) == 0) {
                body = java.util.Arrays.copyOf(body, random.nextInt(body.length));
            }
            Throwable wrong = misbehaviour(context, body);
            if (wrong != null) {
                failures.add(wrong + " for " + HexFormat.of().formatHex(body));
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void randomBytesOnlyEverFailWithSerializationException() {
        SerializationContext context = context();
        Random random = new Random(42L);
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < 20_000 && failures.size() < 5; round++) {
            byte[] body = new byte[random.nextInt(64)];
            random.nextBytes(body);
            if (body.length > 0 && random.nextBoolean()) {
                body[0] = 1; // one value: get past the count more often
            }
            Throwable wrong = misbehaviour(context, body);
            if (wrong != null) {
                failures.add(wrong + " for " + HexFormat.of().formatHex(body));
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void anEmptyBodyIsRefused() {
        assertThatThrownBy(() -> context().decode(new byte[0], -1)).isInstanceOf(SerializationException.class);
    }

    /** One value: class named {@code className} (first in the graph), then {@code rest}. */
    private static byte[] named(String className, Consumer<Output> rest) {
        Output out = new Output(64, -1);
        out.writeVarInt(1, true);
        out.writeVarInt(DefaultClassResolver.NAME + 2, true);
        out.writeVarInt(0, true);
        out.writeAscii(className);
        rest.accept(out);
        return out.toBytes();
    }

    @Test
    void aNullClassNameIsRefused() {
        Output out = new Output(16);
        out.writeVarInt(1, true);
        out.writeVarInt(DefaultClassResolver.NAME + 2, true);
        out.writeVarInt(0, true);
        out.writeString(null);
        byte[] body = out.toBytes();

        assertThatThrownBy(() -> context().decode(body, 1)).isInstanceOf(SerializationException.class);
    }

    @Test
    void anAllowedJdkClassWithoutASerializerFailsAsSerializationException() {
        // java.util.UUID is allowed but Kryo 5 registers no serializer for it by default.
        byte[] body = named("java.util.UUID", out -> {
            out.writeLong(1);
            out.writeLong(2);
        });
        assertThat(misbehaviour(context(), body)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"java.util.ArrayList", "java.util.HashMap", "[Ljava.lang.String;", "[I", "[B", "[J"})
    void aHugeDeclaredSizeFailsWithoutAllocatingIt(String className) {
        // A few bytes claim ~2^31 elements; each element needs at least one byte, so this cannot be real.
        byte[] body = named(className, out -> out.writeVarInt(Integer.MAX_VALUE - 1, true));

        Throwable wrong = misbehaviour(context(), body);
        assertThat(wrong).as("decoding %s", HexFormat.of().formatHex(body)).isNull();
        assertThatThrownBy(() -> context().decode(body, 1)).isInstanceOf(SerializationException.class);
    }

    @Test
    void aHugeDeclaredStringLengthFailsWithoutAllocatingIt() {
        // Kryo's UTF-8 string: a varint with a flag bit, holding char count + 1; String is class id 1 (+2).
        Output out = new Output(16);
        out.writeVarInt(1, true);
        out.writeVarInt(1 + 2, true);
        out.writeVarIntFlag(true, Integer.MAX_VALUE - 1, true);
        out.writeByte('x');
        byte[] body = out.toBytes();

        assertThat(misbehaviour(context(), body)).as("decoding %s", HexFormat.of().formatHex(body)).isNull();
    }

    @Test
    void aHugeDeclaredFieldCountFailsWithoutAllocatingIt() {
        byte[] body = named(Dto.class.getName(), o -> o.writeVarInt(Integer.MAX_VALUE - 1, true));
        assertThat(misbehaviour(context(), body)).as("decoding %s", HexFormat.of().formatHex(body)).isNull();
    }
}
