package io.swivel.server.internal.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The Swivel version this server was built as, from {@code version.properties}, which the build fills in:
 * what the admin API, the admin page and {@code swivel --version} show.
 */
public final class ServerVersion {

    private static final String FILE = "/io/swivel/server/version.properties";
    private static final String VERSION = read();

    private ServerVersion() {
    }

    /** @return e.g. {@code 0.1.0-SNAPSHOT} */
    public static String get() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = ServerVersion.class.getResourceAsStream(FILE)) {
            if (in == null) {
                throw new IllegalStateException(FILE + " is missing from the server jar");
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version");
            if (version == null || version.startsWith("${")) {
                throw new IllegalStateException(FILE + " was not filled in by the build: " + version);
            }
            return version;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FILE + " from the server jar", e);
        }
    }
}
