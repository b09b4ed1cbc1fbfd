package io.swivel.bench.scenario;

import io.swivel.bench.peer.swivel.AdminApi;
import io.swivel.bench.peer.swivel.BundleJars;
import io.swivel.bench.peer.swivel.SwivelCalls;
import io.swivel.bench.peer.swivel.SwivelServerProcess;
import io.swivel.bench.report.Stats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Deploy and rollback latency on a server with default settings: N times, a new version of the
 * bundle is renamed over the jar and timed until a call is answered by it; then
 * {@code POST /v1/bundles/bench-users/rollback} (admin token from the data directory) is timed
 * until a call is answered by the previous version again, which is the standby.
 */
public final class DeployScenario implements Scenario {

    @Override
    public String name() {
        return "deploy";
    }

    @Override
    public void run(Context context) throws Exception {
        int count = context.settings().deploys();
        Path base = context.launcher().bundleJar();
        List<Path> jars = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            jars.add(BundleJars.withVersion(base, version(i), context.launcher().workDir().resolve("jars/bench-users-" + version(i) + ".jar")));
        }
        context.progress().say("deploy: starting the server; %d deploys, each followed by a rollback", count);
        List<Double> deployMs = new ArrayList<>();
        List<Double> rollbackMs = new ArrayList<>();
        try (SwivelServerProcess server = SwivelServerProcess.start(context.launcher(), "deploy-server", List.of());
             SwivelCalls probe = new SwivelCalls("127.0.0.1", server.rpcPort())) {
            AdminApi admin = server.admin();
            Versions.await(probe.service(), "1.0.0", Duration.ofSeconds(30));
            for (int i = 1; i <= count; i++) {
                long start = System.nanoTime();
                server.moveIn(jars.get(i - 1));
                Versions.await(probe.service(), version(i), Duration.ofSeconds(10));
                double deployed = (System.nanoTime() - start) / 1e6;
                start = System.nanoTime();
                admin.rollback(SwivelServerProcess.BUNDLE);
                Versions.await(probe.service(), "1.0.0", Duration.ofSeconds(10));
                double rolledBack = (System.nanoTime() - start) / 1e6;
                deployMs.add(deployed);
                rollbackMs.add(rolledBack);
                context.progress().say("  deploy %d/%d: %s serving after %s ms; rollback answered by 1.0.0 after %s ms", i, count,
                        version(i), Stats.fixed(deployed, 0), Stats.fixed(rolledBack, 1));
            }
        }
        List<List<String>> rows = List.of(
                row("jar renamed into the deploy directory → first call answered by the new version", deployMs),
                row("POST /v1/bundles/{name}/rollback → first call answered by the standby (old) version", rollbackMs));
        context.report().table("deploy", "Deploy and rollback latency (" + count + " of each)",
                List.of("what", "median ms", "max ms", "all ms"), rows,
                "Server defaults (WatchService plus a 2 s rescan, 30 s probation keeps the standby). Target: jar → serving under 300 ms.");
    }

    private static String version(int i) {
        return "1.1." + i;
    }

    private static List<String> row(String what, List<Double> values) {
        return List.of(what, Stats.fixed(Stats.median(values), 1), Stats.fixed(Stats.max(values), 1),
                String.join(" ", values.stream().map(v -> Stats.fixed(v, 0)).toList()));
    }
}
