package io.swivel.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class SizeConverterTest {

    private final SizeConverter converter = new SizeConverter();

    @Test
    void readsPlainBytesAndBinaryUnits() {
        assertThat(converter.convert("4096")).isEqualTo(4096L);
        assertThat(converter.convert("64KiB")).isEqualTo(64L * 1024);
        assertThat(converter.convert("1MiB")).isEqualTo(1024L * 1024);
        assertThat(converter.convert(" 512mb ")).isEqualTo(512L * 1024 * 1024);
        assertThat(converter.convert("2GiB")).isEqualTo(2L * 1024 * 1024 * 1024);
    }

    @Test
    void refusesWhatIsNotASize() {
        assertThatThrownBy(() -> converter.convert("lots")).isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'lots' is not a size");
        assertThatThrownBy(() -> converter.convert("-1")).isInstanceOf(TypeConversionException.class);
    }
}
