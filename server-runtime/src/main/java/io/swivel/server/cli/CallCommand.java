package io.swivel.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code swivel call SERVICE METHOD [JSON_ARGS]}: one call, the result printed as JSON. */
@Command(name = "call", description = "Call a service method once and print the result as JSON.")
final class CallCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SERVICE", description = "Service interface name, e.g. io.swivel.samples.greeter.Greeter.")
    String service;

    @Parameters(index = "1", paramLabel = "METHOD", description = "Method name, or a full key such as greet(java.lang.String).")
    String method;

    @Parameters(index = "2", arity = "0..1", paramLabel = "JSON_ARGS",
            description = "The arguments as a JSON array, e.g. '[\"Ada\"]'; a single non-array value is the only argument.")
    String jsonArgs;

    @Mixin
    AdminOptions admin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        AdminClient client = admin.client();
        JsonNode args;
        try {
            args = jsonArgs == null ? client.mapper().createArrayNode() : client.mapper().readTree(jsonArgs);
        } catch (IOException e) {
            throw new CliException("JSON_ARGS is not valid JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + "); quote it, e.g. '[\"Ada\"]'");
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("service", service);
        request.put("method", method);
        request.put("args", args);
        AdminClient.Reply reply = client.post("/v1/call", request);
        JsonNode body = reply.body();
        String status = body.path("status").asText("");
        if (reply.status() == 200 && status.equals("OK")) {
            try {
                spec.commandLine().getOut().println(client.mapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsString(body.get("result")));
            } catch (IOException e) {
                throw new CliException("cannot print the result: " + e.getMessage(), e);
            }
            return 0;
        }
        if (status.equals("APP_ERROR")) {
            throw new CliException(service + "#" + method + " threw " + body.path("type").asText()
                    + ": " + body.path("message").asText());
        }
        throw new CliException(status + ": " + body.path("message").asText("HTTP " + reply.status()));
    }
}
