package io.swivel.server.cli;

import io.swivel.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The defaults of the command line's options, in order of precedence: a {@code SWIVEL_*}
 * environment variable ({@code --drain-timeout} is {@code SWIVEL_DRAIN_TIMEOUT}), then the
 * configuration file, then the built-in default ({@link ServerConfig#defaults()} for
 * {@code serve}). Flags on the command line override them all.
 *
 * <p>Every option of {@code serve} takes part. The other commands take only what lets them
 * find the server that a configuration describes: {@code --admin-port}, {@code --data-dir},
 * {@code --zookeeper} (where the embedded one is {@code 127.0.0.1:<embedded-zk-port>}) and
 * {@code --tls-ca} (the configuration's {@code tls-cert} when the admin API serves HTTPS).
 */
final class LayeredDefaults implements IDefaultValueProvider {

    /** The command whose options the configuration file describes. */
    static final String SERVE = "serve";

    private static final Set<String> SHARED = Set.of("admin-port", "data-dir", "zookeeper", "tls-ca");
    /** {@code serve}'s built-in defaults: {@link ServerConfig#defaults()}, the one source. */
    private static final Map<String, String> BUILT_IN = ServeDefaults.of(ServerConfig.defaults());

    private final Map<String, String> environment;
    private final ConfigFile file;

    /**
     * @param environment the process environment
     * @param file the configuration file, or null for none
     */
    LayeredDefaults(Map<String, String> environment, ConfigFile file) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.file = file;
    }

    /**
     * @param key an option name without dashes
     * @return the name of the environment variable that sets it
     */
    static String environmentName(String key) {
        return "SWIVEL_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || !option.longestName().startsWith("--")) {
            return null;
        }
        String key = option.longestName().substring(2);
        String command = option.command() != null ? option.command().name() : "";
        if (command.equals(SERVE)) {
            return lookup(key, option.type() == Path.class).orElse(BUILT_IN.get(key));
        }
        if (!SHARED.contains(key)) {
            return null;
        }
        if (key.equals("zookeeper")) {
            return lookup(key, false).map(this::clientConnectString).orElse(null);
        }
        if (key.equals("tls-ca")) {
            return lookup(key, true).or(this::adminCertificate).orElse(null);
        }
        return lookup(key, option.type() == Path.class).orElse(null);
    }

    /**
     * Where a client finds the ZooKeeper a server is configured with.
     *
     * @param serverValue {@code embedded}, {@code none} or {@code host:port,...}
     * @return the connect string, or null when the configuration does not say
     */
    private String clientConnectString(String serverValue) {
        if (serverValue.equals("none")) {
            return null;
        }
        if (serverValue.equals("embedded")) {
            String port = lookup("embedded-zk-port", false).orElse(null);
            return port == null || port.equals("0") ? null : "127.0.0.1:" + port;
        }
        return serverValue;
    }

    /**
     * What a client of the admin API trusts when the configuration serves it over HTTPS: the
     * server's own certificate file (a trust anchor may be the certificate itself).
     *
     * @return the {@code tls-cert} of the configuration, unless {@code admin-tls} is false
     */
    private Optional<String> adminCertificate() {
        if (lookup("admin-tls", false).map(value -> value.equalsIgnoreCase("false")).orElse(false)) {
            return Optional.empty();
        }
        return lookup("tls-cert", true);
    }

    private Optional<String> lookup(String key, boolean isPath) {
        String fromEnvironment = environment.get(environmentName(key));
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Optional.of(fromEnvironment.trim());
        }
        if (file == null) {
            return Optional.empty();
        }
        return file.value(key).map(value -> isPath ? file.resolvePath(value) : value);
    }

    /**
     * Says where a server's settings come from, for its start-up output.
     *
     * @param settings the names a configuration file may set
     * @return e.g. {@code settings: /opt/swivel/conf/swivel.conf, environment SWIVEL_BIND, SWIVEL_PORT}
     */
    String describe(Set<String> settings) {
        java.util.List<String> variables = settings.stream().map(LayeredDefaults::environmentName)
                .filter(name -> environment.get(name) != null && !environment.get(name).isBlank()).sorted().toList();
        return "settings: " + (file != null ? file.path().toAbsolutePath().normalize() : "built-in defaults")
                + (variables.isEmpty() ? "" : ", environment " + String.join(", ", variables))
                + ", then command-line flags";
    }

    /**
     * Says where an option's default came from, for error messages.
     *
     * @param option the option
     * @return "environment variable SWIVEL_X", "configuration file F", or empty if built in
     */
    Optional<String> origin(OptionSpec option) {
        if (!option.longestName().startsWith("--")) {
            return Optional.empty();
        }
        String key = option.longestName().substring(2);
        String name = environmentName(key);
        String fromEnvironment = environment.get(name);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Optional.of("environment variable " + name);
        }
        if (file != null && file.value(key).isPresent()) {
            return Optional.of("configuration file " + file.path());
        }
        return Optional.empty();
    }
}
