package io.swivel.server.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE}: the configuration file to take defaults from. {@link SwivelMain} reads it
 * before the command line is parsed, since the defaults of every other option depend on it;
 * this option declares it so that picocli accepts and documents it.
 */
final class ConfigOption {

    /** The option's name. */
    static final String NAME = "--config";

    @Option(names = NAME, paramLabel = "FILE",
            description = "Configuration file (default: $SWIVEL_CONFIG, else <swivel-home>/conf/swivel.conf if it exists). "
                    + "Precedence: flags > SWIVEL_* environment variables > this file > built-in defaults.")
    Path file;
}
