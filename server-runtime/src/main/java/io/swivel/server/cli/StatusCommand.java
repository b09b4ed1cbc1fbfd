package io.swivel.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.swivel.server.config.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Locale;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code swivel status [--json] [--cluster]}: the bundles of a running server, or of every server. */
@Command(name = "status", description = "Show the bundles of a running server: active and standby versions, "
        + "states, services, in-flight calls, last error, history.")
final class StatusCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssXXX", Locale.ROOT);

    @Option(names = "--json", description = "Print the admin API's JSON.")
    boolean json;

    @Option(names = "--events", paramLabel = "N",
            description = "How many of the server's last events to print, newest first; 0 for none (default: ${DEFAULT-VALUE}).")
    int events = 5;

    @Option(names = "--cluster", description = "Every server that ZooKeeper lists, by bundle: its version, state "
            + "and whether it is the bundle's desired version (read from ZooKeeper; no token needed).")
    boolean cluster;

    @Option(names = "--zookeeper", defaultValue = ServerConfig.DEFAULT_ZOOKEEPER_CONNECT, paramLabel = "HOST:PORT,...",
            description = "With --cluster: the ZooKeeper to read (default: ${DEFAULT-VALUE}).")
    String zookeeper;

    @Mixin
    AdminOptions admin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (cluster) {
            return new ClusterStatus().run(spec.commandLine().getOut(), zookeeper, json);
        }
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
        JsonNode bundles = reply.body().path("bundles");
        if (bundles.isEmpty()) {
            out.println("no bundles deployed");
        } else {
            out.printf("%-20s %-12s %-9s %9s  %-12s %s%n", "BUNDLE", "ACTIVE", "STATE", "IN-FLIGHT", "STANDBY", "SERVICES");
        }
        for (JsonNode bundle : bundles) {
            JsonNode active = bundle.path("active");
            JsonNode standby = bundle.path("standby");
            out.printf("%-20s %-12s %-9s %9s  %-12s %s%n", bundle.path("name").asText(),
                    active.path("version").asText("-"), active.path("state").asText("-"),
                    active.path("inFlight").asText("-"), standby.path("version").asText("-"),
                    String.join(", ", textList(active.path("services"))));
            if (!standby.isMissingNode() && !standby.isNull()) {
                out.printf("  standby %s (%s) until %s, when probation of %s ends%n", standby.path("version").asText(),
                        standby.path("state").asText(), time(bundle.path("probationEndsAt")),
                        active.path("version").asText());
            }
            CanaryStatus.print(out, bundle);
            JsonNode rolledBack = bundle.path("rolledBack");
            if (rolledBack.isObject()) {
                out.printf("  rolled back from %s to %s by %s at %s; %s is not deployed again until it changes%n",
                        rolledBack.path("fromVersion").asText(), rolledBack.path("toVersion").asText(),
                        rolledBack.path("by").asText(), time(rolledBack.path("at")), bundle.path("jar").asText());
            }
            if (bundle.hasNonNull("lastError")) {
                out.printf("  last error (%s): %s%n", time(bundle.path("lastErrorAt")), bundle.path("lastError").asText());
            }
            List<String> history = new ArrayList<>();
            bundle.path("history").forEach(entry -> history.add(entry.path("version").asText()
                    + (entry.hasNonNull("deployedAt") ? " (" + time(entry.path("deployedAt")) + ")" : "")));
            if (!history.isEmpty()) {
                out.printf("  history, newest first: %s%n", String.join(", ", history));
            }
        }
        // a loader just closed is not yet collected until a GC runs: only those still there a minute later are worth a line
        List<String> suspects = textList(reply.body().path("leakSuspects"));
        if (!suspects.isEmpty()) {
            out.printf("closed over a minute ago and not yet collected (a leak?): %s%n", String.join("; ", suspects));
        }
        if (events > 0) {
            printEvents(client, out);
        }
        return 0;
    }

    /** The server's version, uptime and ZooKeeper state, and its last events, from {@code GET /v1/events}. */
    private void printEvents(AdminClient client, PrintWriter out) {
        AdminClient.Reply reply = client.get("/v1/events?limit=" + Math.min(events, 500));
        if (reply.status() == 404) {
            return; // a server from before GET /v1/events
        }
        if (reply.status() != 200) {
            throw new CliException("the server answered HTTP " + reply.status() + " to GET /v1/events: "
                    + reply.body().path("message").asText());
        }
        JsonNode server = reply.body().path("server");
        JsonNode zookeeper = server.path("zookeeper");
        String zk = zookeeper.path("connectString").asText("none");
        out.printf("%nserver: Swivel %s, up %s, ZooKeeper %s%n", server.path("version").asText("?"),
                uptime(server.path("uptimeSeconds").asLong()),
                zk.equals("none") ? "none" : zk + (zookeeper.path("connected").asBoolean() ? " (connected)" : " (disconnected)"));
        JsonNode latest = reply.body().path("events");
        if (latest.isEmpty()) {
            out.println("no events yet");
            return;
        }
        out.printf("last %d event(s), newest first:%n", latest.size());
        for (JsonNode event : latest) {
            out.printf("  %s  %-16s %s%n", time(event.path("time")), event.path("type").asText(),
                    event.path("message").asText());
        }
    }

    private static String uptime(long seconds) {
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3600;
        long minutes = seconds % 3600 / 60;
        if (days > 0) {
            return days + "d " + hours + "h";
        }
        if (hours > 0) {
            return hours + "h " + minutes + "m";
        }
        return minutes > 0 ? minutes + "m " + seconds % 60 + "s" : seconds + "s";
    }

    /** @return an instant of the API as a reader takes it in: {@code 2026-11-20 23:41:07Z}, whole seconds, local zone */
    static String time(JsonNode instant) {
        if (instant.isMissingNode() || instant.isNull()) {
            return "?";
        }
        try {
            return TIME.format(Instant.parse(instant.asText()).atZone(ZoneId.systemDefault()));
        } catch (DateTimeParseException e) {
            return instant.asText(); // not an ISO instant: shown as the server wrote it
        }
    }

    private static List<String> textList(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(node -> values.add(node.asText()));
        return values;
    }
}
