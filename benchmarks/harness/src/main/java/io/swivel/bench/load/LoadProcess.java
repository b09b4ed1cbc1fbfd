package io.swivel.bench.load;

import io.swivel.bench.BenchMain;
import io.swivel.bench.peer.Launcher;
import io.swivel.bench.peer.PeerServer;
import io.swivel.bench.proc.ChildProcess;
import io.swivel.bench.workload.Mode;
import io.swivel.bench.workload.Op;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Runs a load generator in a JVM of its own against a peer's server and collects its results;
 * the caller hears each phase line as it is printed (to start hot swaps at the right moment).
 */
public final class LoadProcess {

    private LoadProcess() {
    }

    /**
     * What to run.
     *
     * @param modes the modes, in order
     * @param ops the operations, in order
     * @param threads blocking threads (sync)
     * @param outstanding calls in flight (async)
     * @param phases the phases of each mode and operation
     */
    public record Plan(List<Mode> modes, List<Op> ops, int threads, int outstanding, List<Phase> phases) {

        /** @return how long the load lasts, all phases of all modes and operations */
        public Duration length() {
            Duration each = phases.stream().map(Phase::duration).reduce(Duration.ZERO, Duration::plus);
            return each.multipliedBy((long) modes.size() * ops.size());
        }
    }

    /**
     * Runs the load to its end.
     *
     * @param launcher JVM flags and classpath
     * @param server the peer's server
     * @param plan what to run
     * @param name names the log
     * @param lines hears every line the generator prints
     * @return the result of every phase
     * @throws IOException if the process cannot start
     * @throws InterruptedException if interrupted
     */
    public static List<PhaseResult> run(Launcher launcher, PeerServer server, Plan plan, String name,
                                        Consumer<String> lines) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("load", "--peer", server.peer().label(), "--host", server.host(),
                "--port", String.valueOf(server.port()),
                "--modes", plan.modes().stream().map(Mode::label).collect(Collectors.joining(",")),
                "--ops", plan.ops().stream().map(Op::label).collect(Collectors.joining(",")),
                "--threads", String.valueOf(plan.threads()), "--outstanding", String.valueOf(plan.outstanding()),
                "--phases", plan.phases().stream().map(Phase::spec).collect(Collectors.joining(","))));
        if (server.tlsCa() != null) {
            args.addAll(List.of("--tls-ca", server.tlsCa().toString()));
        }
        List<PhaseResult> results = new ArrayList<>();
        try (ChildProcess load = ChildProcess.start(name, launcher.java().command(List.of(), launcher.harnessClasspath(),
                BenchMain.class.getName(), args), launcher.workDir().resolve("logs").resolve(name + ".log"), line -> {
                    if (line.startsWith(LoadCommand.RESULT)) {
                        synchronized (results) {
                            results.add(LoadCommand.parse(line));
                        }
                    }
                    lines.accept(line);
                })) {
            Duration limit = plan.length().plusSeconds(120);
            int status = load.awaitExit(limit);
            if (status != 0) {
                throw new IllegalStateException(name + " failed with exit status " + status + "; " + load.tail());
            }
        }
        synchronized (results) {
            return List.copyOf(results);
        }
    }
}
