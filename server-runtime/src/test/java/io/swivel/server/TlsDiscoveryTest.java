package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.swivel.client.ClientTls;
import io.swivel.client.SwivelClient;
import io.swivel.client.SwivelException;
import io.swivel.registry.InstanceInfo;
import io.swivel.registry.ServiceCatalog;
import io.swivel.registry.ZooKeeperClients;
import io.swivel.samples.greeter.Greeter;
import io.swivel.server.config.ServerConfig;
import io.swivel.server.config.Tls;
import io.swivel.testing.TestCertificates;
import io.swivel.testing.TestCertificates.Authority;
import io.swivel.testing.TestCertificates.Pem;
import io.swivel.testing.TestCertificates.Use;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server on TLS says so in its ZooKeeper registration, and a discovering client connects to it
 * with TLS; a client told to use TLS does not fall back to a server registered without it, and a
 * client without TLS settings reaches a TLS server with the JDK's trust roots (which do not trust
 * a test authority: a clear refusal).
 */
@Timeout(120)
class TlsDiscoveryTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path root;

    @Test
    void aDiscoveringClientFindsATlsServerAndSpeaksTlsToIt() throws Exception {
        Authority ca = TestCertificates.authority("Swivel Discovery CA");
        Path roots = ca.writeCertificate(root.resolve("tls").resolve("ca.crt"));
        Pem pem = ca.issue("greeter-server", Use.SERVER).write(root.resolve("tls"), "server");
        TestBundles.deploy("greeter-v1", root.resolve("secure").resolve("deploy"), "greeter.jar");
        try (LiveServer secure = LiveServer.start(root.resolve("secure"), c -> {
            c.zookeeper = ServerConfig.EMBEDDED;
            c.embeddedZkPort = 0;
            c.tls = new Tls(pem.certificate(), pem.privateKey(), null);
        })) {
            String zk = secure.server.zookeeper().orElseThrow();
            try (CuratorFramework curator = ZooKeeperClients.connect(zk, Duration.ofSeconds(10), Duration.ofSeconds(10));
                 ServiceCatalog catalog = ServiceCatalog.watch(curator, WITHIN)) {
                await().atMost(WITHIN).until(() -> !catalog.instances(TestBundles.GREETER).isEmpty());
                InstanceInfo registered = catalog.instances(TestBundles.GREETER).get(0);
                assertThat(registered.tls()).as("the payload says TLS").isTrue();
                assertThat(registered.toCurator().getSslPort()).isEqualTo(secure.server.rpcAddress().getPort());
            }

            try (SwivelClient client = SwivelClient.builder().zookeeper(zk).tls(ClientTls.trusting(roots)).build()) {
                Greeter greeter = client.proxy(Greeter.class);
                await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("Ada").equals("Hello, Ada (v1)"));
            }

            try (SwivelClient untold = SwivelClient.builder().zookeeper(zk).maxAttempts(1).build()) {
                assertThatThrownBy(() -> untold.proxy(Greeter.class).greet("Ada"))
                        .as("TLS because the registration says so, with the JDK's roots, which never signed a test CA")
                        .isInstanceOf(SwivelException.class)
                        .hasMessageContaining("this client does not trust the server's certificate");
            }

            TestBundles.deploy("greeter-v2", root.resolve("plain").resolve("deploy"), "greeter.jar");
            try (LiveServer plain = LiveServer.start(root.resolve("plain"), c -> c.zookeeper = zk);
                 SwivelClient client = SwivelClient.builder().zookeeper(zk).tls(ClientTls.trusting(roots)).build()) {
                Greeter onlyV2 = client.proxy(Greeter.class, io.swivel.client.ProxyOptions.defaults().withVersion("2.*"));
                await().atMost(WITHIN).untilAsserted(() -> assertThatThrownBy(() -> onlyV2.greet("Ada"))
                        .isInstanceOf(SwivelException.class)
                        .hasMessageContaining("is registered without TLS and this client speaks only TLS"));
                assertThat(plain.proxy(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada (v2)");
            }
        }
    }
}
