package io.swivel.bench.scenario;

import io.swivel.bench.peer.Peer;
import io.swivel.bench.workload.Mode;
import io.swivel.bench.workload.Op;
import java.time.Duration;
import java.util.List;

/**
 * Everything a run is told: phase lengths, rounds, concurrency, what to measure, and JMH's
 * iteration settings.
 *
 * @param warmup warm-up before each measurement
 * @param duration each measurement
 * @param runs rounds of the throughput scenario (peers interleaved in each)
 * @param threads blocking client threads
 * @param outstanding calls in flight in async mode
 * @param modes sync and/or async
 * @param ops the operations measured
 * @param peers the peers measured
 * @param swaps jar replacements during the hot-swap phase
 * @param deploys deploys (and rollbacks) timed
 * @param cycles replace cycles of the memory scenario
 * @param jmhForks JMH forks
 * @param jmhWarmupIterations JMH warm-up iterations
 * @param jmhIterations JMH measurement iterations
 * @param jmhIterationTime JMH iteration length (warm-up and measurement)
 * @param jvmFlags the flags of every JVM (servers and clients of all peers)
 * @param smoke whether these are smoke settings (labelled as such in the report)
 */
public record BenchSettings(Duration warmup, Duration duration, int runs, int threads, int outstanding,
                            List<Mode> modes, List<Op> ops, List<Peer> peers, int swaps, int deploys, int cycles,
                            int jmhForks, int jmhWarmupIterations, int jmhIterations, Duration jmhIterationTime,
                            String jvmFlags, boolean smoke) {

    /**
     * Checks the values.
     *
     * @param warmup the warm-up
     * @param duration the measurement
     * @param runs the rounds
     * @param threads the threads
     * @param outstanding the outstanding calls
     * @param modes the modes
     * @param ops the operations
     * @param peers the peers
     * @param swaps the swaps
     * @param deploys the deploys
     * @param cycles the cycles
     * @param jmhForks JMH forks
     * @param jmhWarmupIterations JMH warm-up iterations
     * @param jmhIterations JMH iterations
     * @param jmhIterationTime JMH iteration time
     * @param jvmFlags the JVM flags
     * @param smoke smoke settings
     */
    public BenchSettings {
        positive(warmup, "warmup");
        positive(duration, "duration");
        positive(jmhIterationTime, "jmh-time");
        atLeast(runs, 1, "runs");
        atLeast(threads, 1, "threads");
        atLeast(outstanding, 1, "outstanding");
        atLeast(swaps, 1, "swaps");
        atLeast(deploys, 1, "deploys");
        atLeast(cycles, 1, "cycles");
        atLeast(jmhForks, 1, "jmh-forks");
        atLeast(jmhWarmupIterations, 0, "jmh-warmup-iterations");
        atLeast(jmhIterations, 1, "jmh-iterations");
        if (modes.isEmpty() || ops.isEmpty() || peers.isEmpty()) {
            throw new IllegalArgumentException("modes, ops and peers must each name at least one");
        }
        modes = List.copyOf(modes);
        ops = List.copyOf(ops);
        peers = List.copyOf(peers);
    }

    private static void positive(Duration value, String name) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("--" + name + ": " + value + " (expected: > 0)");
        }
    }

    private static void atLeast(int value, int min, String name) {
        if (value < min) {
            throw new IllegalArgumentException("--" + name + ": " + value + " (expected: >= " + min + ")");
        }
    }
}
