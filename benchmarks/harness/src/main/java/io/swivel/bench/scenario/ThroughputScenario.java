package io.swivel.bench.scenario;

import io.swivel.bench.load.LoadCommand;
import io.swivel.bench.load.LoadProcess;
import io.swivel.bench.load.Phase;
import io.swivel.bench.load.PhaseResult;
import io.swivel.bench.load.ProcessCpu;
import io.swivel.bench.peer.Peer;
import io.swivel.bench.peer.PeerServer;
import io.swivel.bench.peer.ceiling.CeilingFrames;
import io.swivel.bench.report.Stats;
import io.swivel.bench.workload.Mode;
import io.swivel.bench.workload.Op;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Throughput and latency side by side: for each round, each peer in turn gets a fresh server
 * JVM and a fresh load-generator JVM, which runs warm-up then measurement for every mode and
 * operation. Rounds interleave the peers so drift on a shared machine hits all of them; the
 * tables give medians over rounds, and the ratios are medians of the ratios within each round.
 */
public final class ThroughputScenario implements Scenario {

    private static final String MEASURE = "measure";

    /** One measurement in one round. */
    private record Measured(int round, PhaseResult result) {
    }

    @Override
    public String name() {
        return "throughput";
    }

    @Override
    public void run(Context context) throws Exception {
        BenchSettings settings = context.settings();
        LoadProcess.Plan plan = new LoadProcess.Plan(settings.modes(), settings.ops(), settings.threads(),
                settings.outstanding(), List.of(new Phase("warmup", settings.warmup()), new Phase(MEASURE, settings.duration())));
        List<Measured> measured = new ArrayList<>();
        for (int round = 1; round <= settings.runs(); round++) {
            for (Peer peer : settings.peers()) {
                String name = "throughput-r" + round + "-" + peer.label();
                int r = round;
                context.progress().say("throughput round %d/%d, %s: starting the server (load for %d s)", round,
                        settings.runs(), peer.label(), plan.length().toSeconds());
                try (PeerServer server = PeerServer.start(peer, context.launcher(), name + "-server")) {
                    context.progress().say("throughput round %d/%d, %s: server pid %d on port %d", round, settings.runs(),
                            peer.label(), server.process().pid(), server.port());
                    long serverPid = server.process().pid();
                    Map<String, Double> cpuAtStart = new HashMap<>();
                    Map<String, Double> serverCpu = new HashMap<>();
                    List<PhaseResult> results = LoadProcess.run(context.launcher(), server, plan, name + "-load", line -> {
                        if (line.startsWith(LoadCommand.PHASE) && line.endsWith(" " + MEASURE + " begins")) {
                            String[] words = line.substring(LoadCommand.PHASE.length()).split(" ");
                            cpuAtStart.put(words[0] + " " + words[1], serverCpu(serverPid));
                        }
                        if (line.startsWith(LoadCommand.RESULT)) {
                            PhaseResult result = LoadCommand.parse(line);
                            Double start = cpuAtStart.remove(result.mode() + " " + result.op());
                            if (result.phase().equals(MEASURE) && start != null) {
                                serverCpu.put(result.mode() + " " + result.op(), serverCpu(serverPid) - start);
                            }
                        }
                        if (line.startsWith(LoadCommand.PHASE)) {
                            context.progress().say("  %s %s", peer.label(), line.substring(LoadCommand.PHASE.length()));
                        } else if (line.startsWith(LoadCommand.RESULT)) {
                            PhaseResult result = LoadCommand.parse(line);
                            context.progress().say("  %s %s %s %s: %s ops/s, p50 %s µs, p99 %s µs, errors %d", peer.label(),
                                    result.mode(), result.op(), result.phase(), Stats.rate(result.opsPerSecond()),
                                    Stats.fixed(result.p50(), 0), Stats.fixed(result.p99(), 0), result.errors());
                        }
                    });
                    results.stream().filter(res -> res.phase().equals(MEASURE)).forEach(res -> measured.add(new Measured(r,
                            res.withServerCpu(serverCpu.getOrDefault(res.mode() + " " + res.op(), 0.0)))));
                }
            }
        }
        report(context, measured);
    }

    /** The server's CPU seconds so far, or NaN where {@code /proc} cannot tell (the column then says so). */
    private static double serverCpu(long pid) {
        try {
            return ProcessCpu.of(pid);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private void report(Context context, List<Measured> measured) {
        BenchSettings settings = context.settings();
        List<List<String>> raw = new ArrayList<>();
        for (Measured m : measured) {
            PhaseResult r = m.result();
            raw.add(List.of(String.valueOf(m.round()), r.peer(), r.mode(), r.op(), String.valueOf(r.concurrency()),
                    Stats.rate(r.opsPerSecond()), Stats.fixed(r.p50(), 1), Stats.fixed(r.p90(), 1), Stats.fixed(r.p99(), 1),
                    Stats.fixed(r.p999(), 1), Stats.fixed(r.max(), 1), String.valueOf(r.errors()),
                    Stats.fixed(r.serverCpuMicrosPerCall(), 2), Stats.fixed(r.clientCpuMicrosPerCall(), 2)));
        }
        context.report().write("throughput-raw.csv", "round,peer,mode,op,concurrency,ops_per_s,p50_us,p90_us,p99_us,p999_us,max_us,errors,server_cpu_us_per_call,client_cpu_us_per_call\n"
                + raw.stream().map(row -> String.join(",", row)).reduce("", (a, b) -> a + b + "\n"));

        List<List<String>> rows = new ArrayList<>();
        List<List<String>> ratios = new ArrayList<>();
        boolean direct = settings.peers().contains(Peer.SWIVEL_DIRECT);
        boolean lambda = settings.peers().contains(Peer.SWIVEL_LAMBDA);
        List<Peer> tlsPeers = settings.peers().stream().filter(peer -> peer.tlsProvider() != null).toList();
        for (Mode mode : settings.modes()) {
            for (Op op : settings.ops()) {
                for (Peer peer : settings.peers()) {
                    List<PhaseResult> runs = select(measured, peer, mode, op);
                    if (runs.isEmpty()) {
                        continue;
                    }
                    rows.add(List.of(mode.label() + (mode == Mode.SYNC ? " ×" + settings.threads() : " ×" + settings.outstanding()),
                            op.label(), peer.label(),
                            Stats.rate(Stats.median(runs.stream().map(PhaseResult::opsPerSecond).toList())),
                            String.join(" / ", runs.stream().map(r -> Stats.rate(r.opsPerSecond())).toList()),
                            Stats.fixed(Stats.median(runs.stream().map(PhaseResult::p50).toList()), 0),
                            Stats.fixed(Stats.median(runs.stream().map(PhaseResult::p90).toList()), 0),
                            Stats.fixed(Stats.median(runs.stream().map(PhaseResult::p99).toList()), 0),
                            Stats.fixed(Stats.median(runs.stream().map(PhaseResult::p999).toList()), 0),
                            Stats.fixed(Stats.median(runs.stream().map(PhaseResult::serverCpuMicrosPerCall).toList()), 1),
                            Stats.fixed(Stats.median(runs.stream().map(PhaseResult::clientCpuMicrosPerCall).toList()), 1),
                            String.valueOf(runs.stream().mapToLong(PhaseResult::errors).sum())));
                }
                List<String> row = new ArrayList<>(List.of(mode.label(), op.label(),
                        ratio(measured, settings.runs(), mode, op, Peer.SWIVEL, Peer.GRPC),
                        ratio(measured, settings.runs(), mode, op, Peer.SWIVEL, Peer.NETTY)));
                if (direct) {
                    row.add(ratio(measured, settings.runs(), mode, op, Peer.SWIVEL_DIRECT, Peer.GRPC_DIRECT));
                    row.add(ratio(measured, settings.runs(), mode, op, Peer.SWIVEL_DIRECT, Peer.NETTY));
                }
                if (lambda) {
                    row.add(ratio(measured, settings.runs(), mode, op, Peer.SWIVEL_LAMBDA, Peer.SWIVEL));
                }
                for (Peer tls : tlsPeers) {
                    row.add(ratio(measured, settings.runs(), mode, op, tls, Peer.SWIVEL));
                }
                ratios.add(row);
            }
        }
        context.report().table("throughput", "Throughput and latency (" + settings.runs() + " round(s), warm-up "
                        + settings.warmup().toSeconds() + " s, measurement " + settings.duration().toSeconds() + " s)",
                List.of("mode", "op", "peer", "ops/s (median)", "ops/s per round", "p50 µs", "p90 µs", "p99 µs",
                        "p99.9 µs", "server CPU µs/call", "client CPU µs/call", "errors"),
                rows, "Latency percentiles are medians over rounds of each round's percentile; closed loop, no "
                        + "coordinated-omission correction. CPU per call: the process's user and system CPU time "
                        + "during the measurement (server: /proc, 10 ms ticks; client: the load generator JVM, its "
                        + "own measuring included) divided by the calls answered; median over rounds.");
        List<String> ratioColumns = new ArrayList<>(List.of("mode", "op", "swivel / grpc (target ≥ 1.5)",
                "swivel / netty ceiling (target ≥ 0.85)"));
        if (direct) {
            ratioColumns.addAll(List.of("swivel-direct / grpc-direct", "swivel-direct / netty ceiling"));
        }
        if (lambda) {
            ratioColumns.add("swivel-lambda (client.async) / swivel (twin method)");
        }
        tlsPeers.forEach(tls -> ratioColumns.add(tls.label() + " / swivel (plain TCP)"));
        context.report().table("ratios", "Swivel's throughput relative to its peers (median of per-round ratios)",
                ratioColumns, ratios, "");
        List<List<String>> sizes = new ArrayList<>();
        for (Op op : settings.ops()) {
            CeilingFrames frames = CeilingFrames.of(op, Mode.SYNC);
            sizes.add(List.of(op.label(), String.valueOf(frames.request().length), String.valueOf(frames.response().length)));
        }
        context.report().table("frame-sizes", "Bytes per call on the wire (swivel/1 frames, length prefix included; "
                        + "the ceiling sends exactly these)", List.of("op", "request bytes", "response bytes"), sizes, "");
    }

    private static List<PhaseResult> select(List<Measured> measured, Peer peer, Mode mode, Op op) {
        return measured.stream().map(Measured::result)
                .filter(r -> r.peer().equals(peer.label()) && r.mode().equals(mode.label()) && r.op().equals(op.label()))
                .toList();
    }

    private static String ratio(List<Measured> measured, int runs, Mode mode, Op op, Peer measuredPeer, Peer other) {
        List<Double> perRound = new ArrayList<>();
        for (int round = 1; round <= runs; round++) {
            PhaseResult swivel = find(measured, round, measuredPeer, mode, op);
            PhaseResult peer = find(measured, round, other, mode, op);
            if (swivel != null && peer != null && peer.opsPerSecond() > 0) {
                perRound.add(swivel.opsPerSecond() / peer.opsPerSecond());
            }
        }
        return perRound.isEmpty() ? "-" : Stats.fixed(Stats.median(perRound), 2)
                + " (" + String.join(" / ", perRound.stream().map(v -> Stats.fixed(v, 2)).toList()) + ")";
    }

    private static PhaseResult find(List<Measured> measured, int round, Peer peer, Mode mode, Op op) {
        return measured.stream()
                .filter(m -> m.round() == round)
                .map(Measured::result)
                .filter(r -> Objects.equals(r.peer(), peer.label()) && r.mode().equals(mode.label()) && r.op().equals(op.label()))
                .findFirst().orElse(null);
    }
}
