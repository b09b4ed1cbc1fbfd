package io.swivel.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.linecorp.armeria.client.Endpoint;
import com.linecorp.armeria.client.zookeeper.ZooKeeperDiscoverySpec;
import com.linecorp.armeria.client.zookeeper.ZooKeeperEndpointGroup;
import io.swivel.samples.greeter.Greeter;
import io.swivel.testing.SampleBundles;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Armeria's {@code ZooKeeperEndpointGroup} with {@code ZooKeeperDiscoverySpec.curator(...)} finds a
 * real {@code swivel serve} under {@code /swivel/plain-services}, exactly as docs/SPRING.md shows it;
 * the same spec under {@code /swivel/services} (Spring's payload) yields the same endpoint, never a
 * wrong one, with or without Spring Cloud Zookeeper on the class path.
 */
@Timeout(180)
class ArmeriaDiscoveryTest {

    private static final String GREETER = Greeter.class.getName();
    private static final Duration WITHIN = Duration.ofSeconds(30);

    @TempDir
    Path root;

    @Test
    void zooKeeperEndpointGroupFindsTheServer() throws Exception {
        Path deploy = Files.createDirectories(root.resolve("deploy"));
        Files.copy(SampleBundles.jar("greeter-v1"), deploy.resolve("greeter.jar"));
        try (ServerProcess server = ServerProcess.start("armeria-interop", deploy, root.resolve("data"), "embedded",
                List.of("--embedded-zk-port", "0", "--probation", "0s"))) {
            String zkConnect = server.zookeeper();
            Endpoint expected = Endpoint.of("127.0.0.1", server.rpc().getPort());

            // exactly as docs/SPRING.md shows it
            ZooKeeperEndpointGroup group = ZooKeeperEndpointGroup.builder(
                    zkConnect, "/swivel/plain-services", ZooKeeperDiscoverySpec.curator(Greeter.class.getName())).build();
            try {
                List<Endpoint> endpoints = group.whenReady().get(30, TimeUnit.SECONDS);
                assertThat(endpoints).containsExactly(expected);
                await().atMost(WITHIN).until(() -> group.endpoints().equals(List.of(expected)));
            } finally {
                group.closeAsync().get(WITHIN.toSeconds(), TimeUnit.SECONDS);
            }

            // The same spec on the Spring-shaped payload: Curator's ServiceInstance names its payload
            // class in "@class" (ZookeeperInstance). On this class path Spring Cloud Zookeeper is
            // present, so the payload loads and Armeria finds the same, right endpoint.
            ZooKeeperEndpointGroup springShaped = ZooKeeperEndpointGroup.builder(
                    zkConnect, "/swivel/services", ZooKeeperDiscoverySpec.curator(GREETER)).build();
            try {
                assertThat(springShaped.whenReady().get(WITHIN.toSeconds(), TimeUnit.SECONDS)).contains(expected);
                await().atMost(WITHIN).until(() -> springShaped.endpoints().equals(List.of(expected)));
            } finally {
                springShaped.closeAsync().get(WITHIN.toSeconds(), TimeUnit.SECONDS);
            }

            // ... and where ZookeeperInstance cannot be loaded (an Armeria client without Spring):
            // Curator's payload type info falls back to its default (a map), so the same spec decodes
            // the node to the same, right endpoint. Checked on the node's bytes with Armeria and
            // Jackson loaded afresh in a class loader that cannot see Spring Cloud Zookeeper.
            byte[] springNode = springShapedNode(zkConnect, expected);
            assertThat(new String(springNode, StandardCharsets.UTF_8))
                    .contains("\"@class\":\"org.springframework.cloud.zookeeper.discovery.ZookeeperInstance\"");
            HidingClassLoader noSpring = new HidingClassLoader(getClass().getClassLoader(),
                    "org.springframework.cloud.zookeeper.");
            assertThatThrownBy(() -> Class.forName(
                    "org.springframework.cloud.zookeeper.discovery.ZookeeperInstance", false, noSpring))
                    .isInstanceOf(ClassNotFoundException.class);
            Class<?> specType = Class.forName(ZooKeeperDiscoverySpec.class.getName(), true, noSpring);
            assertThat(specType).isNotSameAs(ZooKeeperDiscoverySpec.class);
            Object spec = specType.getMethod("curator", String.class).invoke(null, GREETER);
            Object decoded;
            try {
                decoded = specType.getMethod("decode", byte[].class).invoke(spec, (Object) springNode);
            } catch (InvocationTargetException e) {
                throw new AssertionError("Armeria could not decode the Spring-shaped node without Spring", e.getCause());
            }
            assertThat(decoded.getClass().getMethod("host").invoke(decoded)).isEqualTo(expected.host());
            assertThat(decoded.getClass().getMethod("port").invoke(decoded)).isEqualTo(expected.port());
        }
    }

    /** The bytes of the server's node under {@code /swivel/services}, read with a plain Curator client. */
    private static byte[] springShapedNode(String zkConnect, Endpoint server) throws Exception {
        try (CuratorFramework zk = CuratorFrameworkFactory.newClient(zkConnect, new ExponentialBackoffRetry(200, 5, 2_000))) {
            zk.start();
            assertThat(zk.blockUntilConnected((int) WITHIN.toSeconds(), TimeUnit.SECONDS)).isTrue();
            return zk.getData().forPath("/swivel/services/" + GREETER + "/" + server.host() + ":" + server.port());
        }
    }
}
