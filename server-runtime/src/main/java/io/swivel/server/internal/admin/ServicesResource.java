package io.swivel.server.internal.admin;

import io.swivel.registry.InstanceInfo;
import io.swivel.registry.RegistryException;
import io.swivel.server.internal.cluster.Registration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * {@code GET /v1/services}: what ZooKeeper lists under {@code /swivel/services}, every server's
 * instances, from this server's watched catalog:
 * {@code {"zookeeper": "host:port", "connected": true, "services": {"<service>": [{"id", "host",
 * "port", "bundle", "version", "weight", "protocol"}, ...]}}}; with {@code --zookeeper none}
 * {@code {"zookeeper": "none", "services": {}}}.
 */
final class ServicesResource {

    static final String PATH = "/v1/services";

    private final Supplier<Registration> registration;

    ServicesResource(Supplier<Registration> registration) {
        this.registration = registration;
    }

    CallResource.Answer handle(String method) {
        if (!method.equals("GET")) {
            return new CallResource.Answer(405, Map.of("status", "METHOD_NOT_ALLOWED", "message", "use GET " + PATH));
        }
        Registration zookeeper = registration.get();
        Map<String, Object> answer = new LinkedHashMap<>();
        if (zookeeper == null) {
            answer.put("zookeeper", "none");
            answer.put("services", Map.of());
            return new CallResource.Answer(200, answer);
        }
        Map<String, List<InstanceInfo>> all;
        try {
            all = new TreeMap<>(zookeeper.catalog().all());
        } catch (RegistryException e) {
            return new CallResource.Answer(503, Map.of("status", "UNAVAILABLE", "message",
                    "ZooKeeper at " + zookeeper.connectString() + " does not answer: " + e.getMessage()));
        }
        Map<String, List<Map<String, Object>>> services = new TreeMap<>();
        all.forEach((service, instances) -> services.put(service, instances.stream().map(ServicesResource::instance).toList()));
        answer.put("zookeeper", zookeeper.connectString());
        answer.put("connected", zookeeper.connected());
        answer.put("services", services);
        return new CallResource.Answer(200, answer);
    }

    private static Map<String, Object> instance(InstanceInfo instance) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", instance.id());
        json.put("host", instance.host());
        json.put("port", instance.port());
        json.put("bundle", instance.bundle());
        json.put("version", instance.version());
        json.put("weight", instance.weight());
        json.put("protocol", instance.protocol());
        return json;
    }
}
