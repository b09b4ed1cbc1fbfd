package io.swivel.server.cli;

import io.swivel.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Where the files under {@code packaging/} are, and how their configuration reads to {@code swivel serve}. */
final class Packaging {

    private Packaging() {
    }

    /** @return the repository's {@code packaging/} directory */
    static Path dir() {
        String home = System.getProperty("swivel.home");
        if (home == null) {
            throw new IllegalStateException("swivel.home is not set; run the tests with Maven");
        }
        return Path.of(home, "packaging");
    }

    /**
     * Parses {@code swivel serve} as a container would run it, without running it.
     *
     * @param environment the container's environment
     * @param args serve's arguments after {@code serve}
     * @return the server configuration they describe
     */
    static ServerConfig serve(Map<String, String> environment, List<String> args) {
        List<String> all = new ArrayList<>();
        all.add("serve");
        all.addAll(args);
        String[] array = all.toArray(String[]::new);
        ServeCommand serve = (ServeCommand) SwivelMain.commandLine(environment, Path.of("/opt/swivel"), array)
                .parseArgs(array).subcommand().commandSpec().userObject();
        return serve.serverConfig();
    }
}
