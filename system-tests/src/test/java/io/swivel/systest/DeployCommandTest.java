package io.swivel.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code swivel deploy} against a real {@code swivel serve} process: a good version serves after
 * its probation and the CLI exits 0; a broken one exits 1 with its cause and the old version keeps
 * serving; an upload whose client goes away halfway leaves nothing behind in the deploy directory.
 */
@Timeout(180)
class DeployCommandTest {

    private static final Duration WITHIN = Duration.ofSeconds(30);

    @TempDir
    Path root;

    @Test
    void deployFollowsAVersionToServingOrFailureAndAnAbandonedUploadLeavesNothing() throws Exception {
        Path deploy = root.resolve("deploy-a").resolve("deploy");
        Files.createDirectories(deploy);
        Files.copy(SystestBundles.sample("greeter-v1"), deploy.resolve("greeter-1.0.0.jar"), StandardCopyOption.REPLACE_EXISTING);
        try (ServerProcess server = ServerProcess.start("deploy-a", root, "none", "--probation", "1s")) {
            assertThat(greet(server)).isEqualTo("\"Hello, Ada (v1)\"");

            ServerProcess.Cli good = server.cli("deploy", SystestBundles.sample("greeter-v2").toString());
            assertThat(good.status()).as(good.err()).isZero();
            assertThat(good.out()).contains("staged: greeter 2.0.0 as greeter-1.0.0.jar", "active: greeter 2.0.0",
                    "probation: until", "done: greeter 2.0.0 serves, probation passed");
            assertThat(greet(server)).isEqualTo("\"Hello, Ada (v2)\"");
            assertThat(Files.readString(deploy.resolve("greeter-1.0.0.jar.deployed"))).contains("version: 2.0.0");

            ServerProcess.Cli broken = server.cli("deploy", SystestBundles.sample("greeter-broken").toString());
            assertThat(broken.status()).isEqualTo(1);
            assertThat(broken.err().strip()).startsWith("swivel: greeter 3.0.0 failed: ")
                    .contains("refuses to start", "serving 2.0.0 instead");
            assertThat(greet(server)).isEqualTo("\"Hello, Ada (v2)\"");

            // a client that announces 100 KB, sends 5 KB and goes away
            try (Socket socket = new Socket("127.0.0.1", server.admin().getPort())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/bundles HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + server.token()
                        + "\r\nX-Swivel-Sha256: " + "0".repeat(64) + "\r\nContent-Length: 100000\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(new byte[5000]);
                out.flush();
                await().atMost(WITHIN).until(() -> uploadFiles(deploy) == 1);
            }
            await().atMost(WITHIN).until(() -> uploadFiles(deploy) == 0);
            assertThat(greet(server)).isEqualTo("\"Hello, Ada (v2)\"");
            // the closed socket reaches the server as a half-close (answered 400) or, when the answer
            // meets the closed socket first, as a reset (the connection ends): either way nothing is kept
            assertThat(server.output()).satisfiesAnyOf(
                    out -> assertThat(out).contains("the upload ended after 5000 of 100000 bytes", "nothing was stored"),
                    out -> assertThat(out).contains("ended after 5000 bytes, before its body was complete; discarded"));

            // a client announcing 2 GB is answered 413 before a byte is stored
            try (Socket socket = new Socket("127.0.0.1", server.admin().getPort())) {
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write(("POST /v1/bundles HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + server.token() + "\r\nX-Swivel-Sha256: " + "0".repeat(64) + "\r\nContent-Length: 2000000000\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                InputStream in = socket.getInputStream();
                String answer = new String(in.readNBytes(200), StandardCharsets.ISO_8859_1);
                assertThat(answer).startsWith("HTTP/1.1 413");
            }
        }
    }

    private static String greet(ServerProcess server) {
        ServerProcess.Cli call = server.cli("call", SystestBundles.GREETER, "greet", "[\"Ada\"]");
        assertThat(call.status()).as(call.err()).isZero();
        return call.out().strip();
    }

    private static long uploadFiles(Path deploy) throws java.io.IOException {
        try (Stream<Path> files = Files.list(deploy)) {
            return files.filter(file -> file.getFileName().toString().startsWith(".upload-")).count();
        }
    }
}
