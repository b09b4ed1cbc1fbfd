package io.swivel.bench.scaling;

import io.swivel.bench.peer.swivel.SwivelServerProcess;
import io.swivel.bench.scenario.Context;
import java.time.Duration;
import java.util.List;

/**
 * The load rows of the scaling scenario, each on a fresh {@code swivel serve} process (so its
 * resident memory is that level's alone): getUser over 1 to 2,048 connections with the same
 * calls in flight in total, and getUser-like calls ({@code getBody}) answering bodies of 100 B to
 * 1 MB on one connection.
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
     * getUser, a fixed number of calls in flight spread over {@code connections} connections.
     *
     * @param round the round, for names
     * @param connections how many connections
     * @param inFlight calls in flight over all of them
     * @return the measurement and the time it took to open the connections
     * @throws Exception if the server or the load fails
     */
    Measured connections(int round, int connections, int inFlight) throws Exception {
        byte[] request = FrameLoad.request("getUser", new Class<?>[] {long.class}, 42L);
        return run("scaling-r" + round + "-connections-" + connections, connections, inFlight, request);
    }

    /**
     * {@code getBody(id, bytes)} on one connection.
     *
     * @param round the round, for names
     * @param bytes the answer's body
     * @param inFlight calls in flight
     * @return the measurement
     * @throws Exception if the server or the load fails
     */
    Measured body(int round, int bytes, int inFlight) throws Exception {
        byte[] request = FrameLoad.request("getBody", new Class<?>[] {long.class, int.class}, 42L, bytes);
        return run("scaling-r" + round + "-body-" + bytes, 1, inFlight, request);
    }

    private Measured run(String name, int connections, int inFlight, byte[] request) throws Exception {
        try (SwivelServerProcess server = start(name)) {
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
