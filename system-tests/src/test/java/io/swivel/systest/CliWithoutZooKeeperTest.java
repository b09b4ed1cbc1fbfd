package io.swivel.systest;

import static org.assertj.core.api.Assertions.assertThat;

import io.swivel.server.cli.SwivelMain;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code swivel services} and {@code swivel rollback --cluster} without a ZooKeeper, run as the
 * user runs them (a process of their own, with the server's logging configuration): one line on
 * standard error and nothing else, no stack trace of ZooKeeper's client, and the line says that the
 * embedded ZooKeeper lives inside {@code swivel serve}.
 */
@Timeout(120)
class CliWithoutZooKeeperTest {

    private static final String WHERE = "the embedded ZooKeeper runs inside 'swivel serve', so start the server first, "
            + "or name your ensemble with --zookeeper HOST:PORT,...";

    @Test
    void nothingListening() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        String zookeeper = "127.0.0.1:" + port;
        for (List<String> command : List.of(List.of("services", "--zookeeper", zookeeper),
                List.of("rollback", "greeter", "--cluster", "--zookeeper", zookeeper))) {
            Run run = swivel(command);
            System.out.printf("SYSTEST cli-no-zookeeper: swivel %s answered in %d ms%n", String.join(" ", command), run.millis);
            assertThat(run.status).isEqualTo(1);
            assertThat(run.out).isEmpty();
            assertThat(run.err).isEqualTo("swivel: no ZooKeeper answers at " + zookeeper + " (connection refused); "
                    + WHERE + "\n");
        }
    }

    @Test
    void somethingListensThatIsNoZooKeeper() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) { // accepts, never answers
            String zookeeper = "127.0.0.1:" + silent.getLocalPort();
            Run run = swivel(List.of("services", "--zookeeper", zookeeper));
            System.out.printf("SYSTEST cli-no-zookeeper: swivel services against a silent port answered in %d ms%n", run.millis);
            assertThat(run.status).isEqualTo(1);
            assertThat(run.out).isEmpty();
            assertThat(run.err).isEqualTo("swivel: no ZooKeeper answers at " + zookeeper + " (no answer within 5 s); "
                    + WHERE + "\n");
        }
    }

    private static Run swivel(List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ServerProcess.javaExecutable(), "-Xmx128m",
                "-Dswivel.home=" + System.getProperty("swivel.home", "."), "-cp", System.getProperty("java.class.path"),
                SwivelMain.class.getName()));
        command.addAll(args);
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String out = read(process.getInputStream());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finishes", args).isTrue();
        return new Run(process.exitValue(), out, err.get(10, TimeUnit.SECONDS),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private record Run(int status, String out, String err, long millis) {
    }
}
