package io.swivel.bench.scaling;

import io.swivel.bench.peer.swivel.SwivelServerProcess;
import io.swivel.bench.scenario.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The load rows of the scaling scenario, each round on a fresh {@code swivel serve} process
 * warmed by load that is not measured, the levels ascending on it: getUser over 1 to 2,048
 * connections with the same calls in flight in total, and getUser-like calls ({@code getBody})
 * answering bodies of 100 B to 1 MB on one connection.
 */
final class LoadRuns {

    /**
     * Room for the connections of one client address: the server's default of 1,000 per address
     * would refuse the 2,048-connection level (its 10,000 in total would not).
     */
    static final List<String> SERVER_ARGS = List.of("--max-connections-per-address", "4096");
    /**
     * The server's heap pages resident from the start, so that its resident set differs between
     * levels by what is not heap (buffers, stacks, metaspace), not by how much heap the load touched.
     */
    static final List<String> PRE_TOUCH = List.of("-XX:+AlwaysPreTouch");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(120);

    private final Context context;

    LoadRuns(Context context) {
        this.context = context;
    }

    /**
     * One round of getUser, a fixed number of calls in flight spread over each level's
     * connections, the levels one after the other on one server.
     *
     * @param round the round, for names
     * @param levels connection counts
     * @param inFlight calls in flight over all connections
     * @return each level's measurement, in order
     * @throws Exception if the server or the load fails
     */
    List<Measured> connections(int round, List<Integer> levels, int inFlight) throws Exception {
        byte[] request = FrameLoad.request("getUser", new Class<?>[] {long.class}, 42L);
        List<Measured> results = new ArrayList<>();
        try (SwivelServerProcess server = start("scaling-r" + round + "-connections")) {
            warm(server, request, inFlight);
            for (int n : levels) {
                results.add(level(server, "r" + round + " getUser × " + n + " connections", n, inFlight, request));
            }
        }
        return results;
    }

    /**
     * One round of {@code getBody(id, bytes)} on one connection, the sizes one after the other
     * on one server.
     *
     * @param round the round, for names
     * @param sizes the answers' bodies
     * @param inFlight calls in flight
     * @return each size's measurement, in order
     * @throws Exception if the server or the load fails
     */
    List<Measured> bodies(int round, List<Integer> sizes, int inFlight) throws Exception {
        List<Measured> results = new ArrayList<>();
        try (SwivelServerProcess server = start("scaling-r" + round + "-bodies")) {
            warm(server, body(sizes.get(0)), inFlight);
            for (int bytes : sizes) {
                results.add(level(server, "r" + round + " getBody " + bytes + " B", 1, inFlight, body(bytes)));
            }
        }
        return results;
    }

    private static byte[] body(int bytes) {
        return FrameLoad.request("getBody", new Class<?>[] {long.class, int.class}, 42L, bytes);
    }

    /** Load not measured, so that the first level does not pay for the server's JIT warm-up alone. */
    private void warm(SwivelServerProcess server, byte[] request, int inFlight) throws Exception {
        try (FrameLoad load = new FrameLoad("127.0.0.1", server.rpcPort(), 1, request, CONNECT_TIMEOUT)) {
            ServerSample.measure(load, server.process().pid(), inFlight, context.settings().warmup(),
                    context.settings().warmup());
        }
    }

    private Measured level(SwivelServerProcess server, String name, int connections, int inFlight, byte[] request)
            throws Exception {
        long pid = server.process().pid();
        long began = System.nanoTime();
        try (FrameLoad load = new FrameLoad("127.0.0.1", server.rpcPort(), connections, request, CONNECT_TIMEOUT)) {
            double connectMs = (System.nanoTime() - began) / 1e6;
            ServerSample sample = ServerSample.measure(load, pid, inFlight, context.settings().warmup(),
                    context.settings().duration());
            context.progress().say("  %s: %d connections open in %.0f ms; %.0f ops/s, p99 %.0f µs, server %.1f µs CPU/call, "
                            + "RSS %d MiB, heap after GC %d MiB, %d threads, %d errors%s", name, load.connections(), connectMs,
                    sample.opsPerSecond(), sample.p99(), sample.serverCpuMicrosPerCall(), sample.rssKib() / 1024,
                    sample.heapKib() / 1024, sample.threads(), sample.errors(),
                    sample.firstError() != null ? " (first: " + sample.firstError() + ")" : "");
            return new Measured(sample, connectMs, request.length);
        }
    }

    /**
     * Starts a level's server, a second time if the first does not get ready in time (on a
     * machine shared with other builds a start has taken over 90 s).
     */
    private SwivelServerProcess start(String name) throws Exception {
        try {
            return SwivelServerProcess.start(context.launcher(), name, SERVER_ARGS, context.launcher().bundleJar(), PRE_TOUCH);
        } catch (IllegalStateException slow) {
            context.progress().say("  %s: the server did not start (%s); starting it again", name,
                    slow.getMessage().lines().findFirst().orElse(""));
            return SwivelServerProcess.start(context.launcher(), name + "-again", SERVER_ARGS, context.launcher().bundleJar(),
                    PRE_TOUCH);
        }
    }

    /**
     * One level's measurement.
     *
     * @param sample what the load measured
     * @param connectMs the time to open every connection
     * @param requestBytes the request frame's length, prefix included
     */
    record Measured(ServerSample sample, double connectMs, int requestBytes) {
    }
}
