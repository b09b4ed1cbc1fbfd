package io.swivel.bench.scaling;

import io.swivel.bench.load.ProcessCpu;
import io.swivel.bench.proc.Jcmd;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One measured load phase against a server: throughput and latency from the client, the
 * server's CPU time per call ({@code /proc}, 10 ms ticks), its resident memory and threads
 * ({@code /proc/PID/status}) read at the end of the phase with the load still on, and its heap
 * used after a full GC (jcmd) right after the load stopped, the connections still open.
 *
 * @param opsPerSecond calls answered OK per second
 * @param p50 median latency, µs
 * @param p99 99th percentile, µs
 * @param errors calls not answered OK (or not at all)
 * @param firstError the first error, or null
 * @param serverCpuMicrosPerCall the server's CPU time per answered call, µs
 * @param rssKib the server's resident set
 * @param heapKib its heap used after a full GC
 * @param threads its threads
 */
record ServerSample(double opsPerSecond, double p50, double p99, long errors, String firstError,
                    double serverCpuMicrosPerCall, long rssKib, long heapKib, long threads) {

    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    private static final Pattern THREADS = Pattern.compile("Threads:\\s+(\\d+)");

    /**
     * Runs warm-up and measurement with the given calls in flight, then stops the load.
     *
     * @param load the connections
     * @param pid the server's process id
     * @param inFlight calls in flight
     * @param warmup the warm-up
     * @param duration the measurement
     * @return what the measurement saw
     * @throws IOException if {@code /proc} cannot be read
     * @throws InterruptedException if interrupted
     */
    static ServerSample measure(FrameLoad load, long pid, int inFlight, Duration warmup, Duration duration)
            throws IOException, InterruptedException {
        load.start(inFlight);
        lasting(warmup);
        load.interval(warmup.toNanos() / 1e9);
        double cpuStart = ProcessCpu.of(pid);
        long start = System.nanoTime();
        lasting(duration);
        FrameLoad.Interval measured = load.interval((System.nanoTime() - start) / 1e9);
        double cpu = ProcessCpu.of(pid) - cpuStart;
        String status = Files.readString(Path.of("/proc", String.valueOf(pid), "status"));
        long rss = field(RSS, status);
        long threads = field(THREADS, status);
        int unanswered = load.stop(Duration.ofSeconds(30));
        long heap = Jcmd.memoryAfterFullGc(pid).heapUsedKib();
        long calls = measured.latency().getTotalCount();
        return new ServerSample(measured.opsPerSecond(), measured.micros(50), measured.micros(99),
                measured.errors() + unanswered, measured.firstError() != null ? measured.firstError()
                        : unanswered > 0 ? unanswered + " calls unanswered 30 s after the load stopped" : null,
                calls > 0 ? cpu * 1e6 / calls : 0, rss, heap, threads);
    }

    /** Lets a phase of load run for its length (the load runs on the client's event loops). */
    private static void lasting(Duration phase) throws InterruptedException {
        long end = System.nanoTime() + phase.toNanos();
        for (long left; (left = end - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted during a phase of load");
            }
        }
    }

    /**
     * The resident set of a process.
     *
     * @param pid the process
     * @return KiB
     * @throws IOException if {@code /proc} cannot be read
     */
    static long rssKib(long pid) throws IOException {
        return field(RSS, Files.readString(Path.of("/proc", String.valueOf(pid), "status")));
    }

    private static long field(Pattern pattern, String status) {
        Matcher matcher = pattern.matcher(status);
        if (!matcher.find()) {
            throw new IllegalStateException("/proc/PID/status has no " + pattern + ":\n" + status);
        }
        return Long.parseLong(matcher.group(1));
    }
}
