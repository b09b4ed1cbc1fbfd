package io.swivel.bench.scenario;

import io.swivel.bench.load.LoadCommand;
import io.swivel.bench.load.LoadProcess;
import io.swivel.bench.load.Phase;
import io.swivel.bench.load.PhaseResult;
import io.swivel.bench.peer.Peer;
import io.swivel.bench.peer.PeerServer;
import io.swivel.bench.peer.swivel.BundleJars;
import io.swivel.bench.peer.swivel.SwivelCalls;
import io.swivel.bench.report.Stats;
import io.swivel.bench.workload.Mode;
import io.swivel.bench.workload.Op;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Hot swap under load: the blocking getUser load on a Swivel server, a steady phase, then a swap
 * phase of the same length during which the bundle jar is replaced N times, v1 and v2 in turn
 * (written beside it, renamed over it), each swap waited for until the new version answers.
 * Compares the swap phase's p99 with the steady phase's and counts failed calls.
 */
public final class HotSwapScenario implements Scenario {

    private static final String STEADY = "steady";
    private static final String SWAP = "swap";

    @Override
    public String name() {
        return "hotswap";
    }

    @Override
    public void run(Context context) throws Exception {
        BenchSettings settings = context.settings();
        Path v1 = context.launcher().bundleJar();
        Path v2 = BundleJars.withVersion(v1, "2.0.0", context.launcher().workDir().resolve("jars/bench-users-2.0.0.jar"));
        LoadProcess.Plan plan = new LoadProcess.Plan(List.of(Mode.SYNC), List.of(Op.GET_USER), settings.threads(),
                settings.outstanding(), List.of(new Phase("warmup", settings.warmup()), new Phase(STEADY, settings.duration()),
                new Phase(SWAP, settings.duration())));
        ExecutorService swapper = Executors.newSingleThreadExecutor(r -> new Thread(r, "swapper"));
        List<Double> swapMillis = new ArrayList<>();
        CompletableFuture<Void> swaps = new CompletableFuture<>();
        context.progress().say("hotswap: starting the server; %d swaps in a %d s phase after %d s steady", settings.swaps(),
                settings.duration().toSeconds(), settings.duration().toSeconds());
        try (PeerServer server = PeerServer.start(Peer.SWIVEL, context.launcher(), "hotswap-server");
             SwivelCalls probe = new SwivelCalls(server.host(), server.port())) {
            List<PhaseResult> results = LoadProcess.run(context.launcher(), server, plan, "hotswap-load", line -> {
                if (line.startsWith(LoadCommand.PHASE)) {
                    context.progress().say("  hotswap %s", line.substring(LoadCommand.PHASE.length()));
                    if (line.contains(" " + SWAP + " begins")) {
                        swapper.execute(() -> swapAll(context, server, probe, v1, v2, swapMillis, swaps));
                    }
                }
            });
            swaps.get(60, TimeUnit.SECONDS);
            report(context, results, swapMillis);
        } finally {
            swapper.shutdownNow();
        }
    }

    private static void swapAll(Context context, PeerServer server, SwivelCalls probe, Path v1, Path v2,
                                List<Double> swapMillis, CompletableFuture<Void> done) {
        try {
            BenchSettings settings = context.settings();
            long start = System.nanoTime();
            long spacing = settings.duration().toNanos() / (settings.swaps() + 1);
            for (int i = 1; i <= settings.swaps(); i++) {
                long due = start + i * spacing;
                while (System.nanoTime() - due < 0) {
                    LockSupport.parkNanos(due - System.nanoTime());
                }
                boolean toV2 = i % 2 == 1;
                long began = System.nanoTime();
                server.swivel().moveIn(toV2 ? v2 : v1);
                Versions.await(probe.service(), toV2 ? "2.0.0" : "1.0.0", Duration.ofSeconds(10));
                double ms = (System.nanoTime() - began) / 1e6;
                synchronized (swapMillis) {
                    swapMillis.add(ms);
                }
                context.progress().say("  hotswap: swap %d/%d to %s serving after %s ms", i, settings.swaps(),
                        toV2 ? "v2" : "v1", Stats.fixed(ms, 0));
            }
            done.complete(null);
        } catch (Exception e) {
            done.completeExceptionally(e);
        }
    }

    private void report(Context context, List<PhaseResult> results, List<Double> swapMillis) {
        List<List<String>> rows = new ArrayList<>();
        PhaseResult steady = null;
        PhaseResult swap = null;
        for (PhaseResult r : results) {
            if (r.phase().equals(STEADY)) {
                steady = r;
            } else if (r.phase().equals(SWAP)) {
                swap = r;
            } else {
                continue;
            }
            rows.add(List.of(r.phase(), Stats.rate(r.opsPerSecond()), Stats.fixed(r.p50(), 0), Stats.fixed(r.p90(), 0),
                    Stats.fixed(r.p99(), 0), Stats.fixed(r.p999(), 0), Stats.fixed(r.max(), 0), String.valueOf(r.errors()),
                    r.firstError() == null ? "" : r.firstError()));
        }
        if (steady == null || swap == null) {
            throw new IllegalStateException("the load generator reported no steady or swap phase: " + results);
        }
        List<Double> sorted;
        synchronized (swapMillis) {
            sorted = List.copyOf(swapMillis);
        }
        String notes = String.format(java.util.Locale.ROOT,
                "getUser, %d blocking threads. %d swaps (v1↔v2) during the swap phase; jar renamed → new version answering: "
                        + "median %s ms, max %s ms. **p99 swap / steady: %s** (target ≤ 2). **Failed calls: %d** (target 0).",
                context.settings().threads(), sorted.size(),
                sorted.isEmpty() ? "-" : Stats.fixed(Stats.median(sorted), 0), sorted.isEmpty() ? "-" : Stats.fixed(Stats.max(sorted), 0),
                steady.p99() > 0 ? Stats.fixed(swap.p99() / steady.p99(), 2) : "-", steady.errors() + swap.errors());
        context.report().table("hotswap", "Hot swap under load", List.of("phase", "ops/s", "p50 µs", "p90 µs", "p99 µs",
                "p99.9 µs", "max µs", "errors", "first error"), rows, notes);
    }
}
