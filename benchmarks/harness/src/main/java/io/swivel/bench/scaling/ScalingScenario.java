package io.swivel.bench.scaling;

import io.swivel.bench.report.Stats;
import io.swivel.bench.scenario.Context;
import io.swivel.bench.scenario.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * How Swivel's costs grow: with client connections, with the size of an answer, with the
 * bundles deployed, with a bundle's size, and from {@code swivel serve} to the first answer.
 * Every load level and every round runs on a fresh server; the tables give medians over rounds.
 */
public final class ScalingScenario implements Scenario {

    private final ScalingSettings scaling;

    /**
     * Creates the scenario.
     *
     * @param scaling its levels
     */
    public ScalingScenario(ScalingSettings scaling) {
        this.scaling = scaling;
    }

    @Override
    public String name() {
        return "scaling";
    }

    @Override
    public void run(Context context) throws Exception {
        int runs = context.settings().runs();
        context.progress().say("scaling: %d round(s); connections %s, bodies %s, bundles %s, large bundle %d × %d KiB; "
                        + "file descriptors: ulimit -n of this process is %s", runs, scaling.connections(), scaling.bodies(),
                scaling.bundles(), scaling.largeLibs(), scaling.largeLibBytes() >> 10, openFileLimit());
        context.report().text("Scaling: open-file limit (`ulimit -n`) of the harness and the servers it starts: "
                + openFileLimit() + "; the 2,048-connection level needs about 2,100 descriptors on each side.");
        LoadRuns load = new LoadRuns(context);
        List<String> failed = new ArrayList<>();
        part(context, "connections", failed, () -> {
            Map<Integer, List<LoadRuns.Measured>> byConnections = new TreeMap<>();
            for (int round = 1; round <= runs; round++) {
                List<LoadRuns.Measured> levels = load.connections(round, scaling.connections(), context.settings().outstanding());
                for (int i = 0; i < levels.size(); i++) {
                    byConnections.computeIfAbsent(scaling.connections().get(i), k -> new ArrayList<>()).add(levels.get(i));
                }
            }
            reportConnections(context, byConnections);
        });
        part(context, "bodies", failed, () -> {
            Map<Integer, List<LoadRuns.Measured>> byBody = new TreeMap<>();
            for (int round = 1; round <= runs; round++) {
                List<LoadRuns.Measured> levels = load.bodies(round, scaling.bodies(), context.settings().threads());
                for (int i = 0; i < levels.size(); i++) {
                    byBody.computeIfAbsent(scaling.bodies().get(i), k -> new ArrayList<>()).add(levels.get(i));
                }
            }
            reportBodies(context, byBody);
        });
        if (scaling.runs("bundles") || scaling.runs("large")) {
            part(context, "bundles", failed, () -> bundles(context, runs));
        }
        part(context, "cold-start", failed, () -> coldStart(context, runs));
        if (!failed.isEmpty()) {
            throw new IllegalStateException("scaling parts failed: " + String.join("; ", failed));
        }
    }

    /** Something a part does. */
    private interface Part {
        void run() throws Exception;
    }

    /** Runs one part if chosen; a failure is reported and the next part still runs. */
    private void part(Context context, String name, List<String> failed, Part part) {
        if (!name.equals("bundles") && !scaling.runs(name)) {
            return;
        }
        try {
            part.run();
        } catch (Exception e) {
            failed.add(name + ": " + e.toString().lines().findFirst().orElse(""));
            context.progress().say("scaling part %s FAILED: %s", name, e);
            context.report().text("**Scaling part " + name + " failed:** " + e.toString().lines().findFirst().orElse(""));
        }
    }

    private void bundles(Context context, int runs) throws Exception {
        int needed = BundleRuns.needed(scaling.bundles());
        try (GeneratedBundles generated = GeneratedBundles.compile(context.launcher().workDir().resolve("generated"),
                needed + 2, context.launcher().bundleJar())) {
            BundleRuns bundles = new BundleRuns(context, generated);
            Map<Integer, List<BundleRuns.Level>> byCount = new TreeMap<>();
            List<BundleRuns.Large> large = new ArrayList<>();
            for (int round = 1; round <= runs; round++) {
                for (BundleRuns.Level level : scaling.runs("bundles") ? bundles.levels(round, scaling.bundles())
                        : List.<BundleRuns.Level>of()) {
                    byCount.computeIfAbsent(level.bundles(), k -> new ArrayList<>()).add(level);
                }
                if (scaling.runs("large")) {
                    large.add(bundles.large(round, needed + 1, needed + 2, scaling.largeLibs(), scaling.largeLibBytes()));
                }
            }
            if (!byCount.isEmpty()) {
                ScalingReport.bundles(context, byCount, runs);
            }
            if (!large.isEmpty()) {
                ScalingReport.large(context, large, scaling.largeLibs());
            }
        }
    }

    private void coldStart(Context context, int runs) throws Exception {
        ColdStart cold = new ColdStart(context);
        List<String> cds = cold.train();
        List<ColdStart.Times> plain = new ArrayList<>();
        List<ColdStart.Times> archived = new ArrayList<>();
        for (int round = 1; round <= Math.max(runs, 3); round++) { // cheap: always at least three rounds
            plain.add(cold.once("scaling-r" + round + "-cold", List.of()));
            archived.add(cold.once("scaling-r" + round + "-cold-cds", cds));
            context.progress().say("  cold start r%d: default %.0f / %.0f / %.0f ms, AppCDS %.0f / %.0f / %.0f ms (ready / first "
                            + "answer / server CPU)", round, plain.get(round - 1).readyMs(), plain.get(round - 1).firstAnswerMs(),
                    plain.get(round - 1).cpuMs(), archived.get(round - 1).readyMs(), archived.get(round - 1).firstAnswerMs(),
                    archived.get(round - 1).cpuMs());
        }
        ScalingReport.coldStart(context, plain, archived, cold.archiveBytes());
    }

    private void reportConnections(Context context, Map<Integer, List<LoadRuns.Measured>> byConnections) {
        List<List<String>> rows = new ArrayList<>();
        Long baseRss = null;
        for (Map.Entry<Integer, List<LoadRuns.Measured>> level : byConnections.entrySet()) {
            List<LoadRuns.Measured> runs = level.getValue();
            long rss = (long) median(runs, m -> m.sample().rssKib());
            if (baseRss == null) {
                baseRss = rss;
            }
            int n = level.getKey();
            rows.add(List.of(String.valueOf(n), Stats.rate(median(runs, m -> m.sample().opsPerSecond())),
                    perRound(runs, m -> Stats.rate(m.sample().opsPerSecond())),
                    Stats.fixed(median(runs, m -> m.sample().p50()), 0), Stats.fixed(median(runs, m -> m.sample().p99()), 0),
                    Stats.fixed(median(runs, m -> m.sample().serverCpuMicrosPerCall()), 1),
                    String.valueOf(rss / 1024), n > 1 ? Stats.fixed((rss - baseRss) / (double) (n - 1), 1) : "-",
                    String.valueOf((long) median(runs, m -> m.sample().heapKib()) / 1024),
                    String.valueOf((long) median(runs, m -> m.sample().threads())),
                    Stats.fixed(median(runs, LoadRuns.Measured::connectMs), 0),
                    String.valueOf(runs.stream().mapToLong(m -> m.sample().errors()).sum())));
        }
        context.report().table("scaling-connections", "getUser over N connections, " + context.settings().outstanding()
                        + " calls in flight in total", List.of("connections", "ops/s (median)", "ops/s per round", "p50 µs",
                        "p99 µs", "server CPU µs/call", "server RSS MiB", "RSS KiB per added connection",
                        "server heap after GC MiB", "server threads", "open all ms", "errors"), rows,
                "Each round on a fresh server (`" + String.join(" ", LoadRuns.SERVER_ARGS) + " -XX:+AlwaysPreTouch`), "
                        + "warmed by unmeasured load, the levels ascending on it; one client JVM (this harness) "
                        + "with all connections on two event-loop threads sending Swivel's own getUser request frames; each "
                        + "answer starts the next call on the next connection in turn. RSS and threads at the end of the "
                        + "measurement, load on; heap after a full GC right after it, connections open.");
    }

    private void reportBodies(Context context, Map<Integer, List<LoadRuns.Measured>> byBody) {
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<Integer, List<LoadRuns.Measured>> level : byBody.entrySet()) {
            List<LoadRuns.Measured> runs = level.getValue();
            int bytes = level.getKey();
            double ops = median(runs, m -> m.sample().opsPerSecond());
            double cpu = median(runs, m -> m.sample().serverCpuMicrosPerCall());
            rows.add(List.of(String.valueOf(bytes), Stats.rate(ops), perRound(runs, m -> Stats.rate(m.sample().opsPerSecond())),
                    Stats.fixed(ops * bytes / 1e6, 1), Stats.fixed(median(runs, m -> m.sample().p50()), 0),
                    Stats.fixed(median(runs, m -> m.sample().p99()), 0), Stats.fixed(cpu, 1),
                    Stats.fixed(cpu / (bytes / 1024.0), 3),
                    String.valueOf((long) median(runs, m -> m.sample().rssKib()) / 1024),
                    String.valueOf((long) median(runs, m -> m.sample().heapKib()) / 1024),
                    String.valueOf(runs.stream().mapToLong(m -> m.sample().errors()).sum())));
        }
        context.report().table("scaling-bodies", "getBody(id, bytes): answers of N bytes, one connection, "
                        + context.settings().threads() + " calls in flight", List.of("body bytes", "ops/s (median)",
                        "ops/s per round", "MB/s", "p50 µs", "p99 µs", "server CPU µs/call", "server CPU µs per KiB",
                        "server RSS MiB", "server heap after GC MiB", "errors"), rows,
                "Each round on a fresh server, warmed, the sizes ascending on it, default limits (frames up to 16 MiB, write buffer 1 MiB per connection). "
                        + "The body is made afresh per call (`UserSamples.body`), Kryo-encoded as a byte[] and framed.");
    }

    static double median(List<LoadRuns.Measured> runs, ToDoubleFunction<LoadRuns.Measured> value) {
        return Stats.median(runs.stream().map(m -> value.applyAsDouble(m)).toList());
    }

    static <T> String perRound(List<T> runs, Function<T, String> value) {
        return String.join(" / ", runs.stream().map(value).toList());
    }

    private static String openFileLimit() {
        try {
            Process ulimit = new ProcessBuilder("sh", "-c", "ulimit -n").redirectErrorStream(true).start();
            String out = new String(ulimit.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            return ulimit.waitFor() == 0 ? out : "unknown (" + out + ")";
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown (interrupted)";
        }
    }

    /** Formats with the report's locale. */
    static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
