package io.swivel.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AdminClient#download} against a real HTTP server on a loopback port: the jar arrives, one
 * too large is refused, and a server that stalls in the middle of the body fails the download at
 * its deadline instead of hanging the CLI.
 */
@Timeout(60)
class AdminClientDownloadTest {

    private final CountDownLatch release = new CountDownLatch(1);
    private final java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
    private HttpServer server;
    private AdminClient client;

    @TempDir
    Path root;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jar", exchange -> {
            byte[] body = "x".repeat(5000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/stall", exchange -> {
            exchange.sendResponseHeaders(200, 1_000_000);
            OutputStream out = exchange.getResponseBody();
            out.write(new byte[1000]);
            out.flush();
            try {
                release.await(30, TimeUnit.SECONDS); // the rest of the body never comes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.setExecutor(threads);
        server.start();
        client = new AdminClient("127.0.0.1", server.getAddress().getPort(), "token");
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        threads.shutdownNow();
    }

    @Test
    void theJarArrivesWholeAndReplacesWhatTheFileHeld() throws Exception {
        Path target = Files.writeString(root.resolve("g.jar"), "y".repeat(20_000));
        assertThat(client.download("/jar", target, 10_000, Duration.ofSeconds(20))).isEqualTo(200);
        assertThat(Files.readString(target)).isEqualTo("x".repeat(5000));
    }

    @Test
    void aBodyLargerThanTheBoundIsRefused() {
        assertThatThrownBy(() -> client.download("/jar", root.resolve("g.jar"), 4000, Duration.ofSeconds(20)))
                .isInstanceOf(CliException.class).hasMessageContaining("is larger than 4000 bytes");
    }

    @Test
    void aServerThatStallsInTheBodyFailsTheDownloadAtItsDeadline() {
        // 5 s: the headers come at once, the body never ends (the handler holds it 30 s); the same
        // time also bounds the headers, which must not be what fails on a busy machine
        assertThatThrownBy(() -> client.download("/stall", root.resolve("g.jar"), 10_000_000, Duration.ofSeconds(5)))
                .isInstanceOf(CliException.class).hasMessageContaining("not done within 5 s");
    }
}
