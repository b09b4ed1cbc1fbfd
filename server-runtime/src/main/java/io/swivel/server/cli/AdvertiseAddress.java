package io.swivel.server.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --advertise-address HOST[:PORT]}: the host (a name, an IPv4 address, or an IPv6 address,
 * in brackets when a port follows) and the port, 0 when left out (the bound port).
 *
 * @param host the host
 * @param port the port, or 0 for the bound one
 */
record AdvertiseAddress(String host, int port) {

    /** Reads the option's value. */
    static final class Converter implements ITypeConverter<AdvertiseAddress> {
        @Override
        public AdvertiseAddress convert(String value) {
            return parse(value);
        }
    }

    /**
     * Parses {@code HOST}, {@code HOST:PORT}, {@code [IPV6]}, {@code [IPV6]:PORT} or a bare IPv6 address.
     *
     * @param value the text
     * @return the address
     * @throws TypeConversionException naming what is wrong
     */
    static AdvertiseAddress parse(String value) {
        String text = value.trim();
        String host = text;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw bad(value, "an opening [ without ]");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw bad(value, "text after ]");
                }
                port = rest.substring(1);
            }
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            host = text.substring(0, text.indexOf(':'));
            port = text.substring(text.indexOf(':') + 1);
        }
        if (host.isEmpty() || !host.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '.' || c == '-'
                || c == ':' || c == '_' || c == '%')) {
            throw bad(value, "the host must be a name or an address");
        }
        return new AdvertiseAddress(host, port == null ? 0 : port(value, port));
    }

    private static int port(String value, String port) {
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw bad(value, "the port must be 1..65535");
        }
        if (number < 1 || number > 65535) {
            throw bad(value, "the port must be 1..65535");
        }
        return number;
    }

    private static TypeConversionException bad(String value, String why) {
        return new TypeConversionException("'" + value + "' is not HOST[:PORT] (" + why
                + "), e.g. swivel-1.example.com, 203.0.113.7:7700 or [2001:db8::7]:7700");
    }
}
