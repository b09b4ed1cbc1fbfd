package io.swivel.server.cli;

import io.swivel.server.config.ServerConfig;
import io.swivel.server.internal.admin.AdminToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How commands find a running server's admin API and its token. */
final class AdminOptions {

    @Option(names = "--host", defaultValue = ServerConfig.DEFAULT_BIND, description = "Admin host (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--admin-port", defaultValue = "" + ServerConfig.DEFAULT_ADMIN_PORT,
            description = "Admin port (default: ${DEFAULT-VALUE}).")
    int adminPort;

    @Option(names = "--data-dir", defaultValue = ServerConfig.DEFAULT_DATA_DIR,
            description = "Data directory holding admin.token (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Mixin
    ConfigOption config;

    @Option(names = "--token", description = "Admin token (default: $SWIVEL_TOKEN, else <data-dir>/admin.token).")
    String token;

    @Option(names = "--tls-ca", paramLabel = "FILE",
            description = "PEM trust roots of an admin API on HTTPS: talk HTTPS, trusting them (default: $SWIVEL_TLS_CA, else"
                    + " the --tls-cert of the configuration when admin-tls is not false, else plain HTTP).")
    Path tlsCa;

    AdminClient client() {
        return new AdminClient(host, adminPort, resolveToken(), tlsCa);
    }

    /**
     * A client of another server of the cluster, with the same token and trust roots.
     *
     * @param address the server's admin {@code host:port}, as its registration announces it
     */
    AdminClient client(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            throw new CliException("the admin address '" + address + "' is not HOST:PORT");
        }
        String host = address.substring(0, colon); // an IPv6 host keeps its brackets, as a URL needs them
        try {
            return new AdminClient(host, Integer.parseInt(address.substring(colon + 1)), resolveToken(), tlsCa);
        } catch (NumberFormatException e) {
            throw new CliException("the admin address '" + address + "' is not HOST:PORT", e);
        }
    }

    private String resolveToken() {
        if (token != null && !token.isBlank()) {
            return token.trim();
        }
        String env = System.getenv("SWIVEL_TOKEN");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        Path file = dataDir.resolve(AdminToken.FILE_NAME);
        if (!Files.exists(file)) {
            throw new CliException("no admin token: " + file.toAbsolutePath().normalize()
                    + " does not exist; run from the directory where 'swivel serve' runs, or pass --data-dir or --token");
        }
        try {
            return AdminToken.read(file);
        } catch (IOException e) {
            throw new CliException("cannot read the admin token from " + file + ": " + e.getMessage(), e);
        }
    }
}
