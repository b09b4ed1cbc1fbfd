package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.swivel.bundletest.DeployedBundle;
import io.swivel.bundletest.SwivelTestServer;
import java.nio.file.Files;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs in `mvn verify`, after the jar is built: deploys that jar into a real Swivel server started in this JVM
 * (ephemeral 127.0.0.1 ports, a temporary deploy directory) and calls it over a socket.
 */
@Timeout(60)
class GreeterIT {

    SwivelTestServer server;
    DeployedBundle bundle;

    @BeforeEach
    void deploy() throws Exception {
        server = SwivelTestServer.start();
        bundle = server.deployBundleUnderTest();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void greetsWithTheConfiguredGreeting() {
        Greeter greeter = server.proxy(Greeter.class);

        assertEquals("Hello, Ada", greeter.greet("Ada"));
    }

    @Test
    void aPropertiesFileBesideTheJarChangesTheGreeting() throws Exception {
        Greeter greeter = server.proxy(Greeter.class);

        Files.writeString(server.deployDir().resolve(bundle.name() + ".properties"), "greeting=Bonjour\n");

        Awaitility.await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertEquals("Bonjour, Ada", greeter.greet("Ada")));
    }
}
