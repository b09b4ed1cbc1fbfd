package io.swivel.systest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nobody gets in who should not: every admin route but {@code /v1/health} refuses a missing or
 * wrong token (and does nothing), both ports listen on loopback only unless {@code --bind} says
 * otherwise, the token file is private and the token is never printed or written elsewhere.
 */
@Timeout(120)
class AdminAccessTest {

    /**
     * Every protected route: method, path, body. Add new routes here ({@code /metrics} and the
     * admin page {@code /} are protected too, whether or not this build serves them).
     */
    static final List<String[]> PROTECTED_ROUTES = List.of(
            new String[] {"GET", "/v1/bundles", null},
            new String[] {"GET", "/v1/bundles/greeter", null},
            new String[] {"POST", "/v1/bundles/greeter/rollback", "{}"},
            new String[] {"POST", "/v1/bundles/greeter/undeploy", "{}"},
            new String[] {"POST", "/v1/call", "{\"service\":\"io.swivel.samples.greeter.Greeter\",\"method\":\"greet\",\"args\":[\"Ada\"]}"},
            new String[] {"GET", "/metrics", null},
            new String[] {"POST", "/v1/signin", null},
            new String[] {"GET", "/", null});

    @TempDir
    Path root;

    @Test
    void tokenLoopbackAndSecrecy() throws Exception {
        Path deploy = Files.createDirectories(root.resolve("admin/deploy"));
        Files.copy(SystestBundles.sample("greeter-v1"), deploy.resolve("greeter.jar"));
        ServerProcess server = ServerProcess.start("admin-access", deploy, root.resolve("admin/data"), "none", List.of());
        String token;
        try {
            token = server.token();
            List<String> badHeaders = new ArrayList<>(Collections.singletonList(null));
            badHeaders.addAll(List.of("Bearer wrong-token", "Bearer ", "Bearer " + token + "x",
                    "Bearer " + token.substring(1), "Basic " + token, token, "bearer " + token.toUpperCase()));
            for (String[] route : PROTECTED_ROUTES) {
                for (String header : badHeaders) {
                    ServerProcess.Reply reply = server.request(route[0], route[1], header, route[2]);
                    assertThat(reply.status()).as("%s %s with Authorization %s", route[0], route[1],
                            header == null ? "(none)" : "'" + header.replace(token, "<token>") + "'").isEqualTo(401);
                    assertThat(reply.body()).doesNotContain(token).doesNotContain("Hello");
                }
            }
            assertThat(server.request("GET", "/v1/health", null, null).status()).as("health is open").isEqualTo(200);
            // Nothing happened: the refused undeploy and rollback left the greeter serving.
            assertThat(deploy.resolve("greeter.jar")).exists();
            ServerProcess.Reply bundles = server.get("/v1/bundles/greeter");
            assertThat(bundles.status()).as("the right token is accepted").isEqualTo(200);
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(bundles.body())
                    .path("active").path("version").asText()).isEqualTo("1.0.0");
            ServerProcess.Cli call = server.cli("call", SystestBundles.GREETER, "greet", "[\"Ada\"]");
            assertThat(call.out().trim()).as(call.err()).isEqualTo("\"Hello, Ada (v1)\"");
            ServerProcess.Cli refused = server.cli("status", "--token", "not-the-token");
            assertThat(refused.status()).isEqualTo(1);
            assertThat(refused.err()).contains("refused the admin token").doesNotContain(token);

            // Loopback only: the ready line, and a connection attempt on every other local address.
            assertThat(server.rpc().getHostString()).isEqualTo("127.0.0.1");
            assertThat(server.admin().getHostString()).isEqualTo("127.0.0.1");
            List<InetAddress> others = nonLoopbackAddresses();
            for (InetAddress address : others) {
                assertThat(connects(address, server.rpc().getPort())).as("rpc port on %s", address).isFalse();
                assertThat(connects(address, server.admin().getPort())).as("admin port on %s", address).isFalse();
            }
            System.out.printf("SYSTEST admin-access: %d routes x %d bad Authorization headers -> 401; ports refused on "
                    + "%d non-loopback local address(es) %s%n", PROTECTED_ROUTES.size(), badHeaders.size(), others.size(), others);

            // The token file: created at first start, mode 0600.
            assertThat(Files.getPosixFilePermissions(server.dataDir().resolve("admin.token")))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        } finally {
            server.close();
        }
        assertThat(server.awaitExit(Duration.ofSeconds(30))).as("exit on SIGTERM (the JVM's 128+15)").isIn(0, 143);
        // The token is never printed, logged or written anywhere but its own file.
        assertThat(server.output()).contains("Swivel stopped").doesNotContain(token);
        try (Stream<Path> files = Stream.concat(Files.walk(root), Files.walk(server.log().getParent()))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (!file.getFileName().toString().equals("admin.token") && Files.size(file) < 50_000_000) {
                    assertThat(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1))
                            .as("%s does not contain the token", file).doesNotContain(token);
                }
            }
        }
    }

    @Test
    void bindMakesThePortsReachableElsewhereOnlyWhenAsked() throws Exception {
        List<InetAddress> others = nonLoopbackAddresses();
        if (others.isEmpty()) {
            System.out.println("SYSTEST admin-access: no non-loopback IPv4 address on this machine; --bind checked on 127.0.0.1 only");
        }
        String bind = others.isEmpty() ? "127.0.0.1" : others.get(0).getHostAddress();
        try (ServerProcess server = ServerProcess.start("admin-bind", root, "none", "--bind", bind)) {
            assertThat(server.rpc().getHostString()).isEqualTo(bind);
            assertThat(server.admin().getHostString()).isEqualTo(bind);
            assertThat(connects(InetAddress.getByName(bind), server.rpc().getPort())).isTrue();
            assertThat(connects(InetAddress.getByName(bind), server.admin().getPort())).isTrue();
            assertThat(server.request("GET", "/v1/bundles", null, null).status()).isEqualTo(401);
        }
    }

    private static List<InetAddress> nonLoopbackAddresses() throws IOException {
        List<InetAddress> addresses = new ArrayList<>();
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
                    addresses.add(address);
                }
            }
        }
        return addresses;
    }

    private static boolean connects(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2_000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
