package io.swivel.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code swivel status [--json]}: the bundles of a running server. */
@Command(name = "status", description = "Show the bundles of a running server: versions, states, services.")
final class StatusCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print the admin API's JSON.")
    boolean json;

    @Mixin
    AdminOptions admin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdminClient client = admin.client();
        AdminClient.Reply reply = client.get("/v1/bundles");
        if (reply.status() != 200) {
            throw new CliException("the server answered HTTP " + reply.status() + ": " + reply.body().path("message").asText());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            try {
                out.println(client.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(reply.body()));
            } catch (IOException e) {
                throw new CliException("cannot print: " + e.getMessage(), e);
            }
            return 0;
        }
        if (reply.body().isEmpty()) {
            out.println("no bundles deployed");
            return 0;
        }
        out.printf("%-20s %-12s %-10s %9s  %s%n", "BUNDLE", "VERSION", "STATE", "IN-FLIGHT", "SERVICES");
        for (JsonNode bundle : reply.body()) {
            JsonNode active = bundle.path("active");
            out.printf("%-20s %-12s %-10s %9s  %s%n", bundle.path("name").asText(),
                    active.path("version").asText("-"), active.path("state").asText("-"),
                    active.path("inFlight").asText("-"), String.join(", ", textList(active.path("services"))));
        }
        return 0;
    }

    private static List<String> textList(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }
}
