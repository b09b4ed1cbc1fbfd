package io.swivel.server.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code swivel deploy JAR}: uploads a bundle jar to one server through its admin API
 * ({@code POST /v1/bundles}, with the jar's SHA-256, which the server checks), then follows the
 * version through {@code GET /v1/bundles/{name}} until it serves and its probation has passed,
 * printing each step; exits 1 with the one-line cause when the server refuses the jar, the version
 * fails to start, or probation rolls it back. With {@code --cluster}: the same on every server
 * ZooKeeper lists, batch by batch, as a rollout recorded under {@code /swivel/rollouts/<id>}
 * ({@link ClusterRollout}).
 */
@Command(name = "deploy", description = "Upload a bundle jar to a server through its admin API (no shell access to "
        + "its file system needed) and follow it until it serves and its probation has passed: the server puts it in "
        + "its deploy directory, so markers, probation and history apply as for a copied jar. With --cluster: roll "
        + "it out to every server ZooKeeper lists, one batch at a time, halting (and undoing) at the first failure; "
        + "the rollout is kept in ZooKeeper (see 'swivel rollout').")
final class DeployCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "JAR", description = "The bundle jar (its manifest names it: Swivel-Bundle).")
    Path jar;

    @Option(names = "--timeout", defaultValue = "5m", converter = DurationConverter.class,
            description = "How long to wait for the upload and then for the version to serve and pass probation; with "
                    + "--cluster, for each server (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--no-wait", description = "Return once the server has the jar in its deploy directory (staged).")
    boolean noWait;

    @Mixin
    RolloutOptions rollout;

    @Mixin
    AdminOptions admin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        JarDeployment.Jar file = JarDeployment.Jar.read(jar);
        if (rollout.cluster) {
            if (noWait) {
                throw new CliException("--no-wait is for one server; a cluster rollout waits for each batch");
            }
            return new ClusterRollout(out, admin, timeout).start(file, rollout);
        }
        rollout.refuseWithoutCluster();
        AdminClient client = admin.client();
        out.printf("upload: %s (%d bytes, sha256 %s) to %s%n", jar.getFileName(), file.size(), file.sha256(), client.base());
        JarDeployment.Staged staged = JarDeployment.upload(client, file, timeout);
        if (staged.alreadyServing()) {
            out.println("active: " + staged.message());
            return 0;
        }
        out.printf("staged: %s %s as %s in the server's deploy directory%n", staged.bundle(), staged.version(),
                staged.jarName());
        if (noWait) {
            return 0;
        }
        out.printf("starting: %s %s%n", staged.bundle(), staged.version());
        out.flush();
        JarDeployment.follow(client, line -> {
            out.println(line);
            out.flush();
        }, staged.bundle(), staged.version(), file.sha256(), staged.stagedAt(), System.nanoTime() + timeout.toNanos());
        return 0;
    }
}
