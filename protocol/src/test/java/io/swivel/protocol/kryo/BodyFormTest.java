package io.swivel.protocol.kryo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A context created with a {@link BodyForm} writes plain classes and records in that form, and reads both. */
class BodyFormTest {

    interface Api {
        Dto call(Dto dto, Pair pair);
    }

    static class Dto {
        int age;
        String name;
    }

    record Pair(String left, long right) {
    }

    private static SerializationContext context(BodyForm form) {
        return SerializationContext.create(BodyFormTest.class.getClassLoader(), TypeAllowlist.forServices(List.of(Api.class)),
                1 << 20, form);
    }

    @Test
    void aNameKeyedContextWritesWhatWritersBeforeTheDescribedFormWroteAndEitherContextReadsBoth() {
        Dto dto = new Dto();
        dto.name = "Ada";
        dto.age = 36;
        Pair pair = new Pair("l", 7);
        byte[] nameKeyed = context(BodyForm.NAME_KEYED).encode(dto, pair);
        byte[] described = context(BodyForm.DESCRIBED).encode(dto, pair);
        assertThat(nameKeyed).isEqualTo(Bodies.nameKeyed(dto, pair));
        assertThat(described).isEqualTo(SerializationContext.create(BodyFormTest.class.getClassLoader(),
                TypeAllowlist.forServices(List.of(Api.class)), 1 << 20).encode(dto, pair)).isNotEqualTo(nameKeyed);
        for (BodyForm reader : BodyForm.values()) {
            for (byte[] body : List.of(nameKeyed, described)) {
                Object[] values = context(reader).decode(body, 2);
                assertThat(((Dto) values[0]).name).isEqualTo("Ada");
                assertThat(((Dto) values[0]).age).isEqualTo(36);
                assertThat(values[1]).isEqualTo(pair);
            }
        }
    }

    @Test
    void theSettingSpellsEachFormAndRefusesAnythingElse() {
        for (BodyForm form : BodyForm.values()) {
            assertThat(BodyForm.parse(" " + form.setting().toUpperCase() + " ")).isEqualTo(form);
        }
        assertThat(BodyForm.NAME_KEYED.setting()).isEqualTo("name-keyed");
        assertThatThrownBy(() -> BodyForm.parse("compact")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("compact (expected: described or name-keyed)");
    }
}
