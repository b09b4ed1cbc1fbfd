package io.swivel.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShortStringsTest {

    private final ShortStrings names = new ShortStrings();

    private String decode(String text) {
        ByteBuf in = Unpooled.buffer();
        in.writeBytes("xx".getBytes(StandardCharsets.UTF_8)); // not at index 0
        int index = in.writerIndex();
        int length = in.writeCharSequence(text, StandardCharsets.UTF_8);
        return names.decode(in, index, length);
    }

    @Test
    void aRepeatedNameIsTheSameString() {
        String first = decode("io.swivel.bench.api.UserService");
        String again = decode("io.swivel.bench.api.UserService");
        assertThat(again).isEqualTo("io.swivel.bench.api.UserService").isSameAs(first);
    }

    @Test
    void manyNamesSharingSlotsAreEachDecodedRight() {
        Set<String> seen = new HashSet<>();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 100; i++) {
                String name = "getUser" + i + "(long)";
                assertThat(decode(name)).isEqualTo(name);
                seen.add(name);
            }
        }
        assertThat(seen).hasSize(100);
    }

    @Test
    void nonAsciiEmptyAndLongNamesDecode() {
        assertThat(decode("grüße(java.lang.String)")).isEqualTo("grüße(java.lang.String)");
        assertThat(decode("")).isEmpty();
        String longName = "x".repeat(ShortStrings.MAX_LENGTH + 1);
        String first = decode(longName);
        assertThat(first).isEqualTo(longName);
        assertThat(decode(longName)).isEqualTo(longName).isNotSameAs(first); // not kept
    }
}
