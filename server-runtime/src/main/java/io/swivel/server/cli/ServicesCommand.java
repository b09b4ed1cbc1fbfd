package io.swivel.server.cli;

import io.swivel.registry.InstanceInfo;
import io.swivel.registry.RegistryException;
import io.swivel.registry.ServiceCatalog;
import io.swivel.server.config.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code swivel services [--json]}: what ZooKeeper lists, instance by instance. */
@Command(name = "services", description = "Show what ZooKeeper lists under /swivel/services, instance by instance.")
final class ServicesCommand implements Callable<Integer> {

    @Option(names = "--zookeeper", defaultValue = ServerConfig.DEFAULT_ZOOKEEPER_CONNECT, paramLabel = "HOST:PORT,...",
            description = "The ZooKeeper to ask (default: ${DEFAULT-VALUE}, the embedded one of a local server).")
    String zookeeper;

    @Mixin
    ConfigOption config;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, List<InstanceInfo>> services;
        try (ZooKeeperCli connection = ZooKeeperCli.connect(zookeeper);
             ServiceCatalog catalog = ServiceCatalog.watch(connection.client(), Duration.ofSeconds(5))) {
            services = new TreeMap<>(catalog.all());
        } catch (RegistryException e) {
            throw new CliException(e.getMessage(), e);
        }
        if (json) {
            List<InstanceInfo> all = new ArrayList<>();
            services.values().forEach(all::addAll);
            try {
                out.println(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsString(all));
            } catch (IOException e) {
                throw new CliException("cannot print: " + e.getMessage(), e);
            }
            return 0;
        }
        if (services.isEmpty()) {
            out.println("no services registered in ZooKeeper at " + zookeeper);
            return 0;
        }
        out.printf("%-45s %-22s %-14s %-10s %6s  %s%n", "SERVICE", "INSTANCE", "BUNDLE", "VERSION", "WEIGHT", "PROTOCOL");
        services.forEach((service, instances) -> instances.forEach(instance ->
                out.printf("%-45s %-22s %-14s %-10s %6d  %s%n", service, instance.address(), instance.bundle(),
                        instance.version(), instance.weight(), instance.protocol())));
        return 0;
    }
}
