package io.swivel.bench.scenario;

import io.swivel.bench.peer.swivel.AdminApi;
import io.swivel.bench.peer.swivel.BundleJars;
import io.swivel.bench.peer.swivel.SwivelCalls;
import io.swivel.bench.peer.swivel.SwivelServerProcess;
import io.swivel.bench.proc.Jcmd;
import io.swivel.bench.report.Stats;
import io.swivel.bench.workload.Op;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Redeploy memory: N replace cycles (v1 and v2 in turn, each waited for until it answers, then
 * called with getUser and listUser so its serializers are built), with heap, metaspace and
 * class counts read by jcmd after a full GC at the start and at the end, and the loaders the
 * server reports closed but not collected ({@code GET /v1/bundles}).
 */
public final class MemoryScenario implements Scenario {

    private static final Duration COLLECT_WAIT = Duration.ofSeconds(60);

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public void run(Context context) throws Exception {
        int cycles = context.settings().cycles();
        Path v1 = context.launcher().bundleJar();
        Path v2 = BundleJars.withVersion(v1, "2.0.0", context.launcher().workDir().resolve("jars/bench-users-2.0.0.jar"));
        context.progress().say("memory: starting the server; %d replace cycles", cycles);
        try (SwivelServerProcess server = SwivelServerProcess.start(context.launcher(), "memory-server", List.of());
             SwivelCalls probe = new SwivelCalls("127.0.0.1", server.rpcPort())) {
            AdminApi admin = server.admin();
            long pid = server.process().pid();
            Versions.await(probe.service(), "1.0.0", Duration.ofSeconds(30));
            use(probe);
            Jcmd.Memory start = Jcmd.memoryAfterFullGc(pid);
            context.progress().say("  memory at start: heap %d KiB, metaspace %d KiB, %d classes", start.heapUsedKib(),
                    start.metaspaceUsedKib(), start.liveClasses());
            List<Double> cycleMs = new ArrayList<>();
            for (int i = 1; i <= cycles; i++) {
                boolean toV2 = i % 2 == 1;
                long began = System.nanoTime();
                server.moveIn(toV2 ? v2 : v1);
                Versions.await(probe.service(), toV2 ? "2.0.0" : "1.0.0", Duration.ofSeconds(10));
                cycleMs.add((System.nanoTime() - began) / 1e6);
                use(probe);
                if (i % 20 == 0 || i == cycles) {
                    context.progress().say("  memory: %d/%d cycles, %s loader(s) closed but not yet collected", i, cycles,
                            admin.closedNotCollected().size());
                }
            }
            // The last versions drain and unload in the background; give them a bounded time.
            List<String> uncollected = admin.closedNotCollected();
            long deadline = System.nanoTime() + COLLECT_WAIT.toNanos();
            while (!uncollected.isEmpty() && System.nanoTime() - deadline < 0) {
                Jcmd.run(pid, "GC.run");
                uncollected = admin.closedNotCollected();
            }
            Jcmd.Memory end = Jcmd.memoryAfterFullGc(pid);
            uncollected = admin.closedNotCollected();
            List<List<String>> rows = List.of(
                    row("heap used after full GC (KiB)", start.heapUsedKib(), end.heapUsedKib()),
                    row("metaspace used (KiB)", start.metaspaceUsedKib(), end.metaspaceUsedKib()),
                    row("metaspace committed (KiB)", start.metaspaceCommittedKib(), end.metaspaceCommittedKib()),
                    row("classes loaded now", start.liveClasses(), end.liveClasses()),
                    row("classes unloaded since start", start.unloadedClasses(), end.unloadedClasses()));
            context.report().table("memory", "Redeploy memory (" + cycles + " replace cycles)",
                    List.of("measure", "start", "end", "end - start"), rows,
                    String.format(java.util.Locale.ROOT, "Loaders closed but not collected at the end: **%d** %s. "
                                    + "Replace → serving per cycle: median %s ms, max %s ms. At the end one version is "
                                    + "active and the previous one standby (30 s probation), as at any time after a swap.",
                            uncollected.size(), uncollected.isEmpty() ? "" : uncollected.toString(),
                            Stats.fixed(Stats.median(cycleMs), 0), Stats.fixed(Stats.max(cycleMs), 0)));
        }
    }

    private static void use(SwivelCalls probe) {
        probe.call(Op.GET_USER, 1);
        probe.call(Op.LIST_USER, 1);
    }

    private static List<String> row(String what, long start, long end) {
        return List.of(what, String.valueOf(start), String.valueOf(end), String.valueOf(end - start));
    }
}
