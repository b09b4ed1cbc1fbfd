package io.swivel.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.client.SwivelClient;
import io.swivel.protocol.ControlFrame;
import io.swivel.protocol.Frame;
import io.swivel.protocol.FrameType;
import io.swivel.protocol.MethodKeys;
import io.swivel.protocol.RequestFrame;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.TypeAllowlist;
import io.swivel.samples.greeter.Greeter;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code swivel/1} port against hostile connections, one test per row of the table,
 * each against its own real {@code swivel serve} process ({@code -Xmx256m}) serving the greeter v1,
 * with a {@link Bystander} (a greeter caller and a {@code /v1/health} prober) asserting during and
 * after the attack that nobody else noticed. Every loop is bounded in count and time.
 */
@Timeout(180)
class HostileConnectionsTest {

    private static final String V1 = "Hello, Ada (v1)";
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path root;

    private ServerProcess start(String name, String... flags) throws Exception {
        Path deploy = root.resolve(name).resolve("deploy");
        Files.createDirectories(deploy);
        Files.copy(SystestBundles.sample("greeter-v1"), deploy.resolve("greeter.jar"));
        ServerProcess server = ServerProcess.start(name, deploy, root.resolve(name).resolve("data"), "none",
                List.of(flags));
        // Warm both paths (and this JVM's HTTP and swivel clients) before the bystander starts timing
        // them: the first test of a run would otherwise measure class loading, not the attack.
        try (SwivelClient warm = SwivelClient.builder().address("127.0.0.1", server.rpc().getPort()).build()) {
            for (int i = 0; i < 3; i++) {
                assertThat(server.get("/v1/health").status()).isEqualTo(200);
            }
            Greeter greeter = warm.proxy(Greeter.class);
            for (int i = 0; i < 20; i++) {
                assertThat(greeter.greet("Ada")).isEqualTo(V1);
            }
        } catch (RuntimeException | AssertionError e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static void assertUnharmed(Bystander bystander) {
        assertThat(bystander.callProblems()).as("the bystander's failed calls").isEmpty();
        assertThat(bystander.healthProblems()).as("health probes that failed").isEmpty();
        assertThat(bystander.slowestProbeMillis()).as("the slowest /v1/health, ms")
                .isLessThanOrEqualTo(Bystander.HEALTH_BUDGET.toMillis());
    }

    private static void awaitServing(Bystander bystander) {
        long before = bystander.calls();
        await().atMost(Duration.ofSeconds(20)).until(() -> bystander.calls() > before + 10 && bystander.probes() > 0);
    }

    /** Direct memory: Netty's allocator (its buffers have no cleaner) plus the JDK's direct buffers. */
    private static double directMemory(Bystander bystander) {
        return bystander.metric("netty_allocator_memory_used", "memory_type=\"direct\"")
                + bystander.metric("jvm_buffer_memory_used_bytes", "id=\"direct\"");
    }

    private static double heap(Bystander bystander) {
        return bystander.metric("jvm_memory_used_bytes", "area=\"heap\"");
    }

    private static long rssBytes(ServerProcess server) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + server.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            }
        }
        return -1;
    }

    private static byte[] greetRequests(int count) throws NoSuchMethodException {
        SerializationContext kryo = SerializationContext.create(Greeter.class.getClassLoader(),
                TypeAllowlist.forServices(List.of(Greeter.class)), 1024 * 1024);
        byte[] body = kryo.encode("Ada");
        String method = MethodKeys.of(Greeter.class.getMethod("greet", String.class));
        Frame[] frames = new Frame[count];
        for (int i = 0; i < count; i++) {
            frames[i] = new RequestFrame(i + 1, Greeter.class.getName(), method, "", 30_000, body);
        }
        return RawWire.bytes(frames);
    }

    /**
     * Row 1: one connection pipelines small greet requests and never reads the answers. The server
     * stops reading it once its answers pass the write buffer's mark, so what it holds is bounded.
     */
    @Test
    void aConnectionThatNeverReadsItsAnswersCostsABoundedAmount() throws Exception {
        try (ServerProcess server = start("never-reads");
             Bystander bystander = Bystander.start(server)) {
            awaitServing(bystander);
            double heapBefore = heap(bystander);
            double directBefore = directMemory(bystander);
            long rssBefore = rssBytes(server);
            byte[] batch = greetRequests(1000);
            AtomicLong sent = new AtomicLong();
            RawWire attacker = RawWire.connect(server.rpc(), null, 4096);
            Thread writer = new Thread(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                try {
                    for (int i = 0; i < 100_000 && System.nanoTime() - deadline < 0; i++) {
                        attacker.write(batch); // blocks once the server stops reading
                        sent.addAndGet(batch.length);
                    }
                } catch (IOException e) {
                    // closed under it at the end of the attack: that ends the loop
                }
            }, "never-reads-writer");
            writer.setDaemon(true);
            writer.start();

            double maxHeap = 0;
            double maxDirect = 0;
            long maxRss = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(12);
            while (System.nanoTime() - end < 0) {
                maxHeap = Math.max(maxHeap, heap(bystander));
                maxDirect = Math.max(maxDirect, directMemory(bystander));
                maxRss = Math.max(maxRss, rssBytes(server));
                assertUnharmed(bystander);
                await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1)).until(() -> true);
            }
            double paused = bystander.metric("swivel_connection_reads_paused_total", "reason=\"write_buffer\"");
            long sentDuringAttack = sent.get();
            attacker.close();
            writer.join(10_000);

            System.out.printf("never-reads: attacker sent %d MiB in 12 s; server heap %.0f -> max %.0f MiB, Netty direct "
                            + "%.0f -> max %.0f MiB, RSS %d -> max %d MiB; reads paused %.0f times; bystander %d calls, "
                            + "slowest health %d ms%n", sentDuringAttack / MIB, heapBefore / MIB, maxHeap / MIB,
                    directBefore / MIB, maxDirect / MIB, rssBefore / MIB, maxRss / MIB, paused, bystander.calls(),
                    bystander.slowestProbeMillis());
            assertThat(paused).as("reads paused for the full write buffer").isGreaterThanOrEqualTo(1);
            assertThat(maxDirect - directBefore).as("direct memory held for the attacker").isLessThan(32 * MIB);
            assertThat(maxHeap).as("heap used at most").isLessThan(200 * MIB);
            assertThat(sentDuringAttack).as("the server stopped reading: the attacker could not send on and on")
                    .isLessThan(64 * MIB);
            awaitServing(bystander);
            assertUnharmed(bystander);
        }
    }

    /**
     * Row 2: many idle connections. Past the per-address limit and past the total, a new
     * connection gets {@code GOAWAY} with the reason and is closed; the rest are served, and so is
     * the bystander.
     */
    @Test
    void connectionsPastTheLimitsGetGoAwayWithTheReason() throws Exception {
        int perAddress = 1000;
        int total = 1500;
        try (ServerProcess server = start("many-idle", "--max-connections", Integer.toString(total),
                "--max-connections-per-address", Integer.toString(perAddress));
             Bystander bystander = Bystander.start(server)) {
            awaitServing(bystander);
            List<RawWire> wires = new ArrayList<>();
            try {
                long start = System.nanoTime();
                // The bystander holds one connection from 127.0.0.1 already.
                List<String> fromFirst = openAndSort(server, bystander, InetAddress.getByName("127.0.0.1"), perAddress + 100, wires);
                List<String> fromSecond = openAndSort(server, bystander, InetAddress.getByName("127.0.0.2"),
                        total - perAddress + 100, wires);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertUnharmed(bystander);

                assertThat(fromFirst.stream().filter("served"::equals)).hasSize(perAddress - 1);
                assertThat(fromFirst.stream().filter(s -> !s.equals("served")))
                        .hasSize(101)
                        .allMatch(s -> s.startsWith("too many connections from 127.0.0.1: " + perAddress + " open"));
                assertThat(fromSecond.stream().filter("served"::equals)).hasSize(total - perAddress);
                assertThat(fromSecond.stream().filter(s -> !s.equals("served")))
                        .hasSize(100)
                        .allMatch(s -> s.startsWith("too many connections: " + total + " open"));
                assertThat(bystander.metric("swivel_connections_refused_total", "max_connections_per_address"))
                        .isEqualTo(101);
                assertThat(bystander.metric("swivel_connections_refused_total", "reason=\"max_connections\""))
                        .isEqualTo(100);
                assertThat(bystander.metric("swivel_connections_open", "")).isEqualTo(total);
                System.out.printf("many-idle: %d connections opened in %d ms, %d served, 201 refused with GOAWAY; "
                        + "slowest health %d ms%n", wires.size(), millis, total, bystander.slowestProbeMillis());
                // A refusal is logged once per cause, not once per connection.
                assertThat(server.output().lines().filter(l -> l.contains("too many connections"))).hasSizeLessThan(5);
            } finally {
                for (RawWire wire : wires) {
                    wire.close();
                }
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> bystander.metric("swivel_connections_open", "") == 1);
            awaitServing(bystander);
            assertUnharmed(bystander);
        }
    }

    /**
     * Opens connections from one address (nothing sent on them), waits until the server handled
     * each (served, or refused with a {@code GOAWAY} that is then readable), and sorts them.
     *
     * @return "served", or the text of the GOAWAY, per connection
     */
    private static List<String> openAndSort(ServerProcess server, Bystander bystander, InetAddress from, int count,
                                            List<RawWire> wires) throws IOException {
        double refusedBefore = refusedTotal(bystander);
        double handledBefore = bystander.metric("swivel_connections_open", "") + refusedBefore;
        List<RawWire> mine = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RawWire wire = RawWire.connect(server.rpc(), from, 0);
            wires.add(wire);
            mine.add(wire);
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
                bystander.metric("swivel_connections_open", "") + refusedTotal(bystander) == handledBefore + count);
        long refused = Math.round(refusedTotal(bystander) - refusedBefore);
        await().atMost(Duration.ofSeconds(10)).until(() -> readable(mine) == refused);
        List<String> outcomes = new ArrayList<>();
        for (RawWire wire : mine) {
            if (wire.available() > 0) {
                ControlFrame goAway = (ControlFrame) wire.read(Duration.ofSeconds(5));
                assertThat(goAway.type()).isEqualTo(FrameType.GOAWAY);
                assertThat(wire.closedByServer(Duration.ofSeconds(5))).isTrue();
                outcomes.add(goAway.text());
            } else {
                wire.ping(42);
                Frame answer = wire.read(Duration.ofSeconds(5));
                assertThat(answer).isEqualTo(new ControlFrame(FrameType.PONG, 42, ""));
                outcomes.add("served");
            }
        }
        return outcomes;
    }

    private static double refusedTotal(Bystander bystander) {
        try {
            return bystander.metric("swivel_connections_refused_total", "");
        } catch (IllegalStateException none) {
            return 0; // no refusal yet: the counter does not exist
        }
    }

    private static long readable(List<RawWire> wires) throws IOException {
        long readable = 0;
        for (RawWire wire : wires) {
            if (wire.available() > 0) {
                readable++;
            }
        }
        return readable;
    }

    /**
     * Row 3: 30 connections each send the first bytes of a frame that claims 16 MiB, then nothing.
     * The server holds only the bytes that came, and closes each with {@code GOAWAY} at the frame timeout.
     */
    @Test
    void incompleteFramesHoldTheirBytesOnlyAndAreClosedAtTheFrameTimeout() throws Exception {
        try (ServerProcess server = start("partial-frames", "--frame-timeout", "2s");
             Bystander bystander = Bystander.start(server)) {
            awaitServing(bystander);
            double directBefore = directMemory(bystander);
            byte[] start = new byte[4 + 2 + 200];
            int claimed = 16 * 1024 * 1024 - 1;
            start[0] = (byte) (claimed >>> 24);
            start[1] = (byte) (claimed >>> 16);
            start[2] = (byte) (claimed >>> 8);
            start[3] = (byte) claimed;
            start[4] = io.swivel.protocol.Frame.MAGIC_V1;
            start[5] = FrameType.REQUEST.code();
            List<RawWire> wires = new ArrayList<>();
            long sentAt = System.nanoTime();
            try {
                for (int i = 0; i < 30; i++) {
                    RawWire wire = RawWire.connect(server.rpc(), null, 0);
                    wires.add(wire);
                    wire.write(start);
                }
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> bystander.metric("swivel_partial_frame_memory_bytes", "") > 0);
                double held = bystander.metric("swivel_partial_frame_memory_bytes", "");
                double directDuring = directMemory(bystander);
                assertThat(held).as("bytes held for 30 incomplete frames").isLessThan(30 * 64 * 1024);
                assertThat(directDuring - directBefore).as("direct memory for them").isLessThan(16 * MIB);
                assertUnharmed(bystander);

                long slowest = 0;
                for (RawWire wire : wires) {
                    Frame goAway = wire.read(Duration.ofSeconds(10));
                    slowest = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt);
                    assertThat(goAway).isInstanceOf(ControlFrame.class);
                    assertThat(((ControlFrame) goAway).type()).isEqualTo(FrameType.GOAWAY);
                    assertThat(((ControlFrame) goAway).text())
                            .startsWith("frame timeout: a frame of " + claimed + " bytes began")
                            .contains(start.length + " bytes of it arrived");
                    assertThat(wire.closedByServer(Duration.ofSeconds(5))).isTrue();
                }
                System.out.printf("partial-frames: 30 x 16 MiB claims held %.0f bytes (Netty direct %+.1f MiB), all "
                                + "closed with GOAWAY within %d ms of sending (frame timeout 2 s)%n", held,
                        (directDuring - directBefore) / MIB, slowest);
                assertThat(slowest).as("time to refuse, ms").isLessThan(2000 + 3000);
                assertThat(bystander.metric("swivel_connections_refused_total", "frame_timeout")).isEqualTo(30);
                assertThat(bystander.metric("swivel_partial_frame_memory_bytes", "")).isZero();
            } finally {
                for (RawWire wire : wires) {
                    wire.close();
                }
            }
            awaitServing(bystander);
            assertUnharmed(bystander);
        }
    }

    /**
     * Row 2, idle side: a raw connection that sends nothing is closed with {@code GOAWAY} at the
     * idle timeout, while a client that only heartbeats stays connected and calls again.
     */
    @Test
    void theIdleTimeoutClosesSilentConnectionsButNotHeartbeatingClients() throws Exception {
        try (ServerProcess server = start("idle", "--idle-timeout", "2s");
             Bystander bystander = Bystander.start(server);
             SwivelClient quiet = SwivelClient.builder().address("127.0.0.1", server.rpc().getPort())
                     .heartbeat(Duration.ofMillis(500)).build()) { // pings well inside the 2 s idle timeout
            awaitServing(bystander);
            Greeter greeter = quiet.proxy(Greeter.class);
            assertThat(greeter.greet("Ada")).isEqualTo(V1);
            long start = System.nanoTime();
            try (RawWire silent = RawWire.connect(server.rpc(), null, 0)) {
                Frame goAway = silent.read(Duration.ofSeconds(10));
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(goAway).isInstanceOf(ControlFrame.class);
                assertThat(((ControlFrame) goAway).text()).startsWith("idle timeout: no frame for ")
                        .contains("--idle-timeout");
                assertThat(silent.closedByServer(Duration.ofSeconds(5))).isTrue();
                assertThat(millis).isBetween(1900L, 5000L);
                System.out.printf("idle: a silent connection got GOAWAY after %d ms (idle timeout 2 s)%n", millis);
            }
            // The quiet client sent nothing but heartbeats for the same time: its connection is the same one.
            await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);
            assertThat(greeter.greet("Ada")).isEqualTo(V1);
            assertThat(bystander.metric("swivel_connections_refused_total", "idle_timeout")).isEqualTo(1);
            assertThat(bystander.metric("swivel_connections_open", "")).isEqualTo(2);
            assertUnharmed(bystander);
        }
    }
}
