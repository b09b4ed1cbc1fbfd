package io.swivel.server.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads byte sizes the way people write them: {@code 4096}, {@code 64KiB}, {@code 1MiB}, {@code 512MiB}, {@code 2GiB}. */
final class SizeConverter implements ITypeConverter<Long> {

    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(|b|kib|kb|k|mib|mb|m|gib|gb|g)");

    @Override
    public Long convert(String value) {
        Matcher matcher = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new TypeConversionException("'" + value + "' is not a size; write it like 4096, 64KiB, 1MiB or 2GiB");
        }
        long amount = Long.parseLong(matcher.group(1));
        long unit = switch (matcher.group(2)) {
            case "kib", "kb", "k" -> 1024L;
            case "mib", "mb", "m" -> 1024L * 1024;
            case "gib", "gb", "g" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        if (amount > Long.MAX_VALUE / unit) {
            throw new TypeConversionException("'" + value + "' is too large");
        }
        return amount * unit;
    }
}
