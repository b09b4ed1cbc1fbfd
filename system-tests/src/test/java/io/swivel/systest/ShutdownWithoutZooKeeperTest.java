package io.swivel.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.swivel.client.SwivelClient;
import io.swivel.protocol.ControlFrame;
import io.swivel.protocol.Frame;
import io.swivel.protocol.FrameDecoder;
import io.swivel.protocol.FrameEncoder;
import io.swivel.protocol.FrameType;
import io.swivel.systest.api.Echo;
import io.swivel.systest.zk.ZooKeeperProcess;
import io.swivel.systest.zk.ZooKeeperView;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to a server whose ZooKeeper was killed (SIGKILL) exits within the drain timeout plus
 * a few seconds: the deregistration waits no longer than {@code --deregister-timeout}, then the
 * shutdown goes on as always, GOAWAY to connected clients, a drain in which the call running at
 * SIGTERM finishes, and the exit.
 */
@Timeout(180)
class ShutdownWithoutZooKeeperTest {

    private static final String ECHO = Echo.class.getName();
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
    /** What the shutdown may take beyond the drain timeout. */
    private static final Duration SLACK = Duration.ofSeconds(5);
    private static final long HOLD_MILLIS = 4_000;
    private static final Pattern CONNECTED = Pattern.compile("^swivel_zookeeper_connected\\s+(\\S+)$", Pattern.MULTILINE);

    @TempDir
    Path root;

    @Test
    void sigtermWithZooKeeperKilledExitsWithinTheDrainTimeoutAndStillDrains() throws Exception {
        try (ZooKeeperProcess zk = ZooKeeperProcess.start("zk-gone-zk", root.resolve("zk"), ServerProcess.logFile("zk-gone-zk"))) {
            Path deploy = Files.createDirectories(root.resolve("zk-gone/deploy"));
            Files.copy(SystestBundles.echo(root.resolve("work"), "1.0.0"), deploy.resolve("echo.jar"));
            try (ServerProcess server = ServerProcess.start("zk-gone", deploy, root.resolve("zk-gone/data"),
                    zk.connectString(), List.of("--drain-timeout", DRAIN_TIMEOUT.toSeconds() + "s", "--probation", "0s"));
                 SwivelClient client = SwivelClient.builder().address("127.0.0.1", server.rpc().getPort()).build();
                 Socket raw = new Socket("127.0.0.1", server.rpc().getPort())) {
                String serverId = "127.0.0.1:" + server.rpc().getPort();
                try (ZooKeeperView view = new ZooKeeperView(zk.connectString())) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> view.instanceIds(ECHO).contains(serverId));
                }
                CompletableFuture<String> goAway = watchForGoAway(raw);

                zk.kill();
                await().atMost(Duration.ofSeconds(30)).until(() -> zooKeeperConnected(server) == 0);
                Echo echo = client.proxy(Echo.class);
                CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> echo.hold("k", HOLD_MILLIS));
                await().atMost(Duration.ofSeconds(10)).until(() -> echo.holding("k") == 1);

                long sigterm = System.nanoTime();
                server.sigterm();
                String goAwayText = goAway.get(30, TimeUnit.SECONDS);
                long goAwayMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
                String answer = held.get(30, TimeUnit.SECONDS);
                long answeredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
                int status = server.awaitExit(DRAIN_TIMEOUT.plus(SLACK).plusSeconds(30));
                long exitMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm);
                String output = server.output();
                System.out.printf("SYSTEST zk-gone-shutdown: ZooKeeper killed; SIGTERM -> GOAWAY %d ms, running call "
                                + "answered %d ms, exit (status %d) %d ms (drain timeout %d s, deregister timeout 2 s)%n",
                        goAwayMillis, answeredMillis, status, exitMillis, DRAIN_TIMEOUT.toSeconds());
                for (String line : output.split("\n")) {
                    if (line.contains("skipped it") || line.contains("Swivel stopped")) {
                        System.out.println("SYSTEST zk-gone-shutdown log: " + line);
                    }
                }

                assertThat(goAwayText).isEqualTo("server shutting down; send new calls elsewhere");
                assertThat(answer).as("the call running at SIGTERM finished in the drain").isEqualTo("zk-gone 1.0.0");
                assertThat(status).isEqualTo(143);
                assertThat(exitMillis).as("exit within the drain timeout plus %d s", SLACK.toSeconds())
                        .isLessThan(DRAIN_TIMEOUT.plus(SLACK).toMillis());
                assertThat(output).contains("deregistration from ZooKeeper at " + zk.connectString()
                        + " not done within 2000 ms; skipped it").contains("(1 call(s) finished during shutdown)");
            }
        }
    }

    /** Says HELLO on a raw connection, then reads frames until a GOAWAY, on a daemon thread. */
    private static CompletableFuture<String> watchForGoAway(Socket raw) throws IOException {
        ByteBuf hello = Unpooled.buffer();
        try {
            FrameEncoder.encode(new ControlFrame(FrameType.HELLO, 1, "swivel/1 test"), hello, 1 << 20);
            byte[] bytes = new byte[hello.readableBytes()];
            hello.readBytes(bytes);
            raw.getOutputStream().write(bytes);
            raw.getOutputStream().flush();
        } finally {
            hello.release();
        }
        raw.setSoTimeout((int) TimeUnit.SECONDS.toMillis(120));
        CompletableFuture<String> goAway = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                DataInputStream in = new DataInputStream(raw.getInputStream());
                for (int frames = 0; frames < 100 && !goAway.isDone(); frames++) {
                    byte[] content = new byte[in.readInt()];
                    in.readFully(content);
                    ByteBuf buffer = Unpooled.wrappedBuffer(content);
                    Frame frame;
                    try {
                        frame = FrameDecoder.parse(buffer);
                    } finally {
                        buffer.release();
                    }
                    if (frame instanceof ControlFrame control && control.type() == FrameType.GOAWAY) {
                        goAway.complete(control.text());
                    }
                }
                goAway.completeExceptionally(new AssertionError("100 frames and no GOAWAY"));
            } catch (EOFException e) {
                goAway.completeExceptionally(new AssertionError("the connection closed without a GOAWAY", e));
            } catch (IOException | RuntimeException e) {
                goAway.completeExceptionally(e);
            }
        }, "goaway-reader");
        reader.setDaemon(true);
        reader.start();
        return goAway;
    }

    private static double zooKeeperConnected(ServerProcess server) {
        Matcher value = CONNECTED.matcher(server.get("/metrics").body());
        return value.find() ? Double.parseDouble(value.group(1)) : -1;
    }
}
