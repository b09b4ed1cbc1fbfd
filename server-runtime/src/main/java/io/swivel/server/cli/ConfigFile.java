package io.swivel.server.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@code swivel.conf} file: Java properties whose keys are the long names of
 * {@code swivel serve}'s options without the leading dashes ({@code port = 7700},
 * {@code drain-timeout = 30s}). Relative paths in it resolve against the Swivel home, the
 * directory holding {@code bin/}, {@code conf/} and {@code lib/} of a distribution.
 */
final class ConfigFile {

    private final Path path;
    private final Path base;
    private final Map<String, String> values;

    private ConfigFile(Path path, Path base, Map<String, String> values) {
        this.path = path;
        this.base = base;
        this.values = values;
    }

    /**
     * Reads and checks a configuration file.
     *
     * @param file the file
     * @param base what relative paths in it resolve against
     * @param knownKeys the keys it may set
     * @return the file's settings
     * @throws CliException if it cannot be read or sets an unknown key
     */
    static ConfigFile read(Path file, Path base, Set<String> knownKeys) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException("cannot read the configuration file " + file + ": " + e.getMessage(), e);
        }
        Set<String> unknown = new TreeSet<>(properties.stringPropertyNames());
        unknown.removeAll(knownKeys);
        if (!unknown.isEmpty()) {
            throw new CliException("the configuration file " + file + " sets unknown setting(s) " + unknown
                    + "; known: " + new TreeSet<>(knownKeys));
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            values.put(key, properties.getProperty(key).trim());
        }
        return new ConfigFile(file, base, Collections.unmodifiableMap(values));
    }

    /** @return where the settings come from */
    Path path() {
        return path;
    }

    /**
     * @param key an option name without dashes
     * @return its value in the file, if set; a key with an empty value ({@code tls-cert =}) is not set
     */
    Optional<String> value(String key) {
        return Optional.ofNullable(values.get(key)).filter(value -> !value.isEmpty());
    }

    /**
     * @param value a path written in the file
     * @return it resolved against the Swivel home if relative
     */
    String resolvePath(String value) {
        return base.resolve(value).normalize().toString();
    }
}
