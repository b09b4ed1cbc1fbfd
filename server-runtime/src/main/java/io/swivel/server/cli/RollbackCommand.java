package io.swivel.server.cli;

import io.swivel.server.config.ServerConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code swivel rollback BUNDLE [--to VERSION] [--cluster]}: return a bundle to its previous (or
 * a named) version, on one server through its admin API, or on every server through ZooKeeper.
 */
@Command(name = "rollback", description = "Roll a bundle back to its previous version (the standby, at once, "
        + "or the one before it in history), or to the version named by --to. The jar is not deployed again "
        + "until its content changes.")
final class RollbackCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "The bundle name, as 'swivel status' shows it.")
    String bundle;

    @Option(names = "--to", paramLabel = "VERSION", description = "The version to return to (one in the bundle's history).")
    String to;

    @Option(names = "--cluster", description = "Roll back on every server that ZooKeeper lists for the bundle, and print each answer.")
    boolean cluster;

    @Option(names = "--zookeeper", defaultValue = ServerConfig.DEFAULT_ZOOKEEPER_CONNECT, paramLabel = "HOST:PORT,...",
            description = "With --cluster: the ZooKeeper to use (default: ${DEFAULT-VALUE}).")
    String zookeeper;

    @Option(names = "--wait", defaultValue = "10s", converter = DurationConverter.class,
            description = "With --cluster: how long to wait for every server's answer (default: ${DEFAULT-VALUE}).")
    Duration wait;

    @Mixin
    AdminOptions admin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (cluster) {
            return new ClusterRollback().run(spec.commandLine().getOut(), zookeeper, bundle, to, wait);
        }
        Map<String, String> body = to == null ? Map.of() : Map.of("to", to);
        AdminClient.Reply reply = admin.client().post("/v1/bundles/" + bundle + "/rollback", body);
        if (reply.status() != 200) {
            throw new CliException(reply.body().path("message").asText("HTTP " + reply.status()));
        }
        spec.commandLine().getOut().println(reply.body().path("message").asText());
        return 0;
    }
}
