package io.swivel.bench.scaling;

import io.swivel.bench.report.Stats;
import io.swivel.bench.scenario.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The scaling scenario's bundle, large-bundle and cold-start tables. */
final class ScalingReport {

    private ScalingReport() {
    }

    static void bundles(Context context, Map<Integer, List<BundleRuns.Level>> byCount, int runs) {
        List<List<String>> rows = new ArrayList<>();
        Double baseHeap = null;
        Double baseMeta = null;
        for (Map.Entry<Integer, List<BundleRuns.Level>> level : byCount.entrySet()) {
            List<BundleRuns.Level> rounds = level.getValue();
            int n = level.getKey();
            double heap = median(rounds, l -> l.memory().heapUsedKib());
            double meta = median(rounds, l -> l.memory().metaspaceUsedKib());
            if (baseHeap == null) {
                baseHeap = heap;
                baseMeta = meta;
            }
            List<Double> swaps = rounds.stream().flatMap(l -> l.swapMs().stream()).toList();
            List<Double> news = rounds.stream().flatMap(l -> l.newMs().stream()).toList();
            rows.add(List.of(String.valueOf(n), Stats.fixed(heap, 0), Stats.fixed(meta, 0),
                    Stats.fixed(median(rounds, l -> l.memory().metaspaceCommittedKib()), 0),
                    Stats.fixed(median(rounds, l -> l.memory().liveClasses()), 0),
                    Stats.fixed(median(rounds, l -> l.rssKib()) / 1024, 0),
                    n > 1 ? Stats.fixed((heap - baseHeap) / (n - 1), 1) : "-",
                    n > 1 ? Stats.fixed((meta - baseMeta) / (n - 1), 1) : "-",
                    Stats.fixed(Stats.median(swaps), 0), Stats.fixed(Stats.max(swaps), 0),
                    Stats.fixed(Stats.median(news), 0), Stats.fixed(Stats.max(news), 0)));
        }
        context.report().table("scaling-bundles", "Bundles deployed (" + runs + " round(s), each on a fresh server)",
                List.of("bundles", "heap after GC KiB", "metaspace used KiB", "metaspace committed KiB", "classes",
                        "RSS MiB", "heap KiB per added bundle", "metaspace KiB per added bundle", "swap ms (median)",
                        "swap ms (max)", "new bundle jar → serving ms (median)", "(max)"), rows,
                "The benchmark bundle plus generated bundles (a service each, the user-api nested, idle: called once to see "
                        + "it serve). Per added bundle: (level − 1 bundle) ÷ (N − 1), medians of rounds. Swap: the benchmark "
                        + "bundle renamed to 2.0.0 and back, " + BundleRuns.TIMED + " times each way per round, rename → the "
                        + "new version answers. New bundle: " + BundleRuns.TIMED + " per round, rename → first answer.");
    }

    static void large(Context context, List<BundleRuns.Large> rounds, int libs) {
        BundleRuns.Large first = rounds.get(0);
        List<List<String>> rows = List.of(
                List.of("small bundle (" + first.smallBytes() / 1024 + " KiB, 1 nested jar), new",
                        Stats.fixed(Stats.median(rounds.stream().map(BundleRuns.Large::smallMs).toList()), 0),
                        String.join(" / ", rounds.stream().map(r -> Stats.fixed(r.smallMs(), 0)).toList())),
                List.of("large bundle (" + Stats.fixed(first.largeBytes() / 1e6, 1) + " MB, " + (libs + 1) + " nested jars), new",
                        Stats.fixed(Stats.median(rounds.stream().map(BundleRuns.Large::largeMs).toList()), 0),
                        String.join(" / ", rounds.stream().map(r -> Stats.fixed(r.largeMs(), 0)).toList())),
                List.of("large bundle, next version replacing it",
                        Stats.fixed(Stats.median(rounds.stream().map(BundleRuns.Large::replaceMs).toList()), 0),
                        String.join(" / ", rounds.stream().map(r -> Stats.fixed(r.replaceMs(), 0)).toList())));
        context.report().table("scaling-large-bundle", "A large bundle: jar renamed in → first answer (" + rounds.size()
                        + " round(s), each on a fresh server)", List.of("bundle", "ms (median)", "ms per round"), rows,
                "The nested jars of the large bundle each hold one resource of incompressible (seeded random) bytes; "
                        + "no classes are loaded from them.");
    }

    static void coldStart(Context context, List<ColdStart.Times> plain, List<ColdStart.Times> archived, long archiveBytes) {
        List<List<String>> rows = List.of(row("JDK default class-data archive", plain),
                row("application archive (AppCDS, -XX:SharedArchiveFile, " + (archiveBytes >> 20) + " MiB)", archived));
        context.report().table("scaling-cold-start", "swivel serve → first answer (" + plain.size() + " rounds, alternating)",
                List.of("class data", "→ ready ms (median)", "→ first answer ms (median)", "→ first answer ms per round",
                        "server CPU ms at the first answer (median)", "per round"), rows,
                "From just before the process starts until it prints `Swivel ready`, and until a getUser call is answered "
                        + "by the benchmark bundle (in its deploy directory from the start). The archive was written by one "
                        + "training run with `-XX:ArchiveClassesAtExit` (started, called, stopped).");
    }

    private static List<String> row(String what, List<ColdStart.Times> times) {
        return List.of(what, Stats.fixed(Stats.median(times.stream().map(ColdStart.Times::readyMs).toList()), 0),
                Stats.fixed(Stats.median(times.stream().map(ColdStart.Times::firstAnswerMs).toList()), 0),
                String.join(" / ", times.stream().map(t -> Stats.fixed(t.firstAnswerMs(), 0)).toList()),
                Stats.fixed(Stats.median(times.stream().map(ColdStart.Times::cpuMs).toList()), 0),
                String.join(" / ", times.stream().map(t -> Stats.fixed(t.cpuMs(), 0)).toList()));
    }

    private static double median(List<BundleRuns.Level> rounds, ToDoubleFunction<BundleRuns.Level> value) {
        return Stats.median(rounds.stream().map(l -> value.applyAsDouble(l)).toList());
    }
}
