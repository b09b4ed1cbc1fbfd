package io.swivel.server.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code swivel undeploy BUNDLE}: stop serving a bundle. */
@Command(name = "undeploy", description = "Stop serving a bundle: its jar leaves the deploy directory "
        + "(a copy stays in history) and its running calls drain.")
final class UndeployCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "The bundle name, as 'swivel status' shows it.")
    String bundle;

    @Mixin
    AdminOptions admin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdminClient.Reply reply = admin.client().post("/v1/bundles/" + bundle + "/undeploy", Map.of());
        if (reply.status() != 200) {
            throw new CliException(reply.body().path("message").asText("HTTP " + reply.status()));
        }
        spec.commandLine().getOut().println(reply.body().path("message").asText());
        return 0;
    }
}
