package io.swivel.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.client.SwivelClient;
import io.swivel.samples.greeter.Greeter;
import io.swivel.testing.SampleBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Mono;

/**
 * A stock Spring Boot application with Spring Cloud Zookeeper discovery and Spring Cloud
 * LoadBalancer -- no bean of its own, only the documented properties -- finds two real
 * {@code swivel serve} processes (the first with its embedded ZooKeeper, the second joining it),
 * lists them with their metadata, chooses them with both load balancers, and calls the one chosen
 * with {@code swivel-client}.
 */
@Timeout(240)
class SpringCloudZookeeperTest {

    static final String GREETER = Greeter.class.getName();
    private static final Duration WITHIN = Duration.ofSeconds(30);

    @TempDir
    static Path root;

    static ServerProcess first;
    static ServerProcess second;
    static ConfigurableApplicationContext spring;

    /** The whole Spring application: auto-configuration and nothing else. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class DiscoveringService {
    }

    @BeforeAll
    static void start() throws Exception {
        first = serve("spring-interop-a", "embedded", "--embedded-zk-port", "0");
        second = serve("spring-interop-b", first.zookeeper());
        SpringApplication application = new SpringApplication(DiscoveringService.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        application.setBannerMode(Banner.Mode.OFF);
        spring = application.run(
                "--spring.application.name=interop-test",
                "--spring.cloud.zookeeper.connect-string=" + first.zookeeper(),
                "--spring.cloud.zookeeper.discovery.root=/swivel/services");
    }

    /** A server whose deploy directory holds greeter v1 from the start. */
    static ServerProcess serve(String name, String zookeeper, String... more) throws Exception {
        Path deploy = Files.createDirectories(root.resolve(name).resolve("deploy"));
        Files.copy(SampleBundles.jar("greeter-v1"), deploy.resolve("greeter.jar"));
        List<String> args = new java.util.ArrayList<>(List.of("--probation", "0s"));
        args.addAll(List.of(more));
        return ServerProcess.start(name, deploy, root.resolve(name).resolve("data"), zookeeper, args);
    }

    @AfterAll
    static void stop() throws Exception {
        if (spring != null) {
            spring.close();
        }
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    static Set<Integer> ports() {
        return Set.of(first.rpc().getPort(), second.rpc().getPort());
    }

    @Test
    void theDiscoveryClientListsEveryServerWithItsMetadata() {
        DiscoveryClient discovery = spring.getBean(DiscoveryClient.class);
        await().atMost(WITHIN).until(() -> discovery.getInstances(GREETER).size() == 2);
        assertThat(discovery.getServices()).contains(GREETER);
        List<ServiceInstance> instances = discovery.getInstances(GREETER);
        assertThat(instances).extracting(ServiceInstance::getPort).containsExactlyInAnyOrderElementsOf(ports());
        assertThat(instances).allSatisfy(instance -> {
            assertThat(instance.getServiceId()).isEqualTo(GREETER);
            assertThat(instance.getHost()).isEqualTo("127.0.0.1");
            assertThat(instance.isSecure()).isFalse();
            assertThat(instance.getUri()).hasToString("swivel://127.0.0.1:" + instance.getPort());
            assertThat(instance.getMetadata()).containsEntry("bundle", "greeter").containsEntry("version", "1.0.0")
                    .containsEntry("weight", "100").containsEntry("protocol", "swivel/1")
                    .containsEntry("instance_status", "UP").containsKey("adminAddress")
                    .containsEntry("warmupMillis", "60000").containsKey("activeSince");
        });
    }

    @Test
    void bothLoadBalancersChooseThemAndTheChosenOneAnswers() throws Exception {
        DiscoveryClient discovery = spring.getBean(DiscoveryClient.class);
        await().atMost(WITHIN).until(() -> discovery.getInstances(GREETER).size() == 2);

        // blocking: round robin over the two, so a few choices see both
        LoadBalancerClient blocking = spring.getBean(LoadBalancerClient.class);
        Set<Integer> chosen = new HashSet<>();
        for (int i = 0; i < 10 && chosen.size() < 2; i++) {
            ServiceInstance instance = blocking.choose(GREETER);
            assertThat(instance).as("choice %d", i).isNotNull();
            chosen.add(instance.getPort());
        }
        assertThat(chosen).isEqualTo(ports());

        // reactive
        Response<ServiceInstance> response = Mono.from(spring.getBean(LoadBalancerClientFactory.class)
                .getInstance(GREETER).choose()).block(WITHIN);
        assertThat(response).isNotNull();
        assertThat(response.hasServer()).isTrue();
        ServiceInstance instance = response.getServer();
        assertThat(ports()).contains(instance.getPort());

        // and call it
        try (SwivelClient client = SwivelClient.builder().address(instance.getHost(), instance.getPort()).build()) {
            assertThat(client.proxy(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada (v1)");
        }
    }
}
