package io.swivel.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.swivel.bench.load.LoadCommand;
import io.swivel.bench.load.LoadProcess;
import io.swivel.bench.load.Phase;
import io.swivel.bench.load.PhaseResult;
import io.swivel.bench.peer.Peer;
import io.swivel.bench.peer.PeerServer;
import io.swivel.bench.peer.swivel.BundleJars;
import io.swivel.bench.peer.swivel.SwivelServerProcess;
import io.swivel.bench.report.Stats;
import io.swivel.bench.workload.Mode;
import io.swivel.bench.workload.Op;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A slow shadow against the live p99, same run: the blocking getUser load on one Swivel server,
 * alternating rounds without a shadow ({@code base-N}) and with a shadow 2.0.0 whose getUser
 * waits {@value #DELAY_MICROS} µs per call ({@code shadow-N}, given copies of 100% of the
 * calls on 2 threads with a queue of 100, so most copies are dropped). Between them, a short
 * unmeasured phase starts or stops the shadow. Compares the medians of the rounds' live p99 and
 * reports the copies the shadow ran and dropped in each round, and any round whose shadow had not
 * started yet when its measured phase began (a loaded machine can take that long to load it).
 */
public final class ShadowScenario implements Scenario {

    /** How long the shadow's getUser waits per call. */
    static final long DELAY_MICROS = 100_000;
    private static final String DELAY_RESOURCE = "bench-getuser-delay-micros.txt";
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final int MIN_ROUNDS = 3;
    private static final int THREADS = 2;
    private static final int QUEUE = 100;

    @Override
    public String name() {
        return "shadow";
    }

    @Override
    public void run(Context context) throws Exception {
        BenchSettings settings = context.settings();
        int rounds = settings.smoke() ? settings.runs() : Math.max(MIN_ROUNDS, settings.runs());
        Path v1 = context.launcher().bundleJar();
        Path slow = BundleJars.withAttributes(v1, Map.of("Swivel-Version", "2.0.0"),
                Map.of(DELAY_RESOURCE, String.valueOf(DELAY_MICROS).getBytes(StandardCharsets.US_ASCII)),
                context.launcher().workDir().resolve("jars/bench-users-2.0.0-slow.jar"));
        List<Phase> phases = new ArrayList<>(List.of(new Phase("warmup", settings.warmup())));
        for (int i = 1; i <= rounds; i++) {
            phases.addAll(List.of(new Phase("base-" + i, settings.duration()), new Phase("start-" + i, SETTLE),
                    new Phase("shadow-" + i, settings.duration()), new Phase("stop-" + i, SETTLE)));
        }
        LoadProcess.Plan plan = new LoadProcess.Plan(List.of(Mode.SYNC), List.of(Op.GET_USER), settings.threads(),
                settings.outstanding(), phases);
        ExecutorService admin = Executors.newSingleThreadExecutor(r -> new Thread(r, "shadow-admin"));
        List<Future<JsonNode>> reports = new ArrayList<>();
        List<Future<?>> starts = new ArrayList<>();
        List<String> late = new java.util.concurrent.CopyOnWriteArrayList<>();
        context.progress().say("shadow: %d rounds of %d s without and %d s with a shadow whose getUser waits %d µs a call",
                rounds, settings.duration().toSeconds(), settings.duration().toSeconds(), DELAY_MICROS);
        try (PeerServer server = PeerServer.start(Peer.SWIVEL, context.launcher(), "shadow-server")) {
            List<PhaseResult> results = LoadProcess.run(context.launcher(), server, plan, "shadow-load", line -> {
                if (!line.startsWith(LoadCommand.PHASE)) {
                    return;
                }
                context.progress().say("  shadow %s", line.substring(LoadCommand.PHASE.length()));
                if (line.contains(" shadow-") && line.endsWith(" begins") && !starts.isEmpty()
                        && !starts.get(starts.size() - 1).isDone()) {
                    late.add(line.substring(line.indexOf(" shadow-") + 1, line.length() - " begins".length()));
                }
                if (line.contains(" start-") && line.endsWith(" begins")) {
                    starts.add(admin.submit(() -> {
                        server.swivel().admin().shadow(SwivelServerProcess.BUNDLE, slow, 100, THREADS, QUEUE);
                        return null;
                    }));
                } else if (line.contains(" stop-") && line.endsWith(" begins")) {
                    reports.add(admin.submit(() -> server.swivel().admin().shadowStop(SwivelServerProcess.BUNDLE)));
                }
            });
            for (Future<?> start : starts) {
                start.get(30, TimeUnit.SECONDS);
            }
            List<JsonNode> counts = new ArrayList<>();
            for (Future<JsonNode> report : reports) {
                counts.add(report.get(30, TimeUnit.SECONDS));
            }
            report(context, results, counts, late);
        } finally {
            admin.shutdownNow();
        }
    }

    private void report(Context context, List<PhaseResult> results, List<JsonNode> counts, List<String> late) {
        List<List<String>> rows = new ArrayList<>();
        List<Double> baseP99 = new ArrayList<>();
        List<Double> shadowP99 = new ArrayList<>();
        List<Double> baseP50 = new ArrayList<>();
        long errors = 0;
        for (PhaseResult r : results) {
            boolean base = r.phase().startsWith("base-");
            boolean shadowed = r.phase().startsWith("shadow-");
            if (!base && !shadowed) {
                continue;
            }
            errors += r.errors();
            (base ? baseP99 : shadowP99).add(r.p99());
            if (base) {
                baseP50.add(r.p50());
            }
            int round = Integer.parseInt(r.phase().substring(r.phase().indexOf('-') + 1));
            JsonNode shadow = shadowed && round <= counts.size() ? counts.get(round - 1) : null;
            rows.add(List.of(r.phase(), Stats.rate(r.opsPerSecond()), Stats.fixed(r.p50(), 0), Stats.fixed(r.p99(), 0),
                    Stats.fixed(r.p999(), 0), String.valueOf(r.errors()),
                    count(shadow, "copied"), count(shadow, "matches"), count(shadow, "mismatches"), count(shadow, "errors"),
                    count(shadow, "dropped")));
        }
        if (baseP99.isEmpty() || shadowP99.isEmpty()) {
            throw new IllegalStateException("the load generator reported no base or shadow phase: " + results);
        }
        double base = Stats.median(baseP99);
        double shadowed = Stats.median(shadowP99);
        String notes = String.format(Locale.ROOT,
                "getUser, %d blocking threads, one server; %d alternating rounds. The shadow (2.0.0) gets copies of 100%% of"
                        + " the calls on %d threads with a queue of %d; its getUser waits %d µs per call (a timed latch wait,"
                        + " not CPU), %s× the live p50 round trip (%s µs, median of the base rounds). Copied to dropped are the"
                        + " shadow's counts for its round (getUser's answer carries LocalDateTime.now(), so the copies that"
                        + " run mismatch: the comparison sees it). **Live p99, median of the rounds: %s µs without"
                        + " the shadow, %s µs with it (ratio %s).** Failed live calls: %d (the shadow fails none).",
                context.settings().threads(), baseP99.size(), THREADS, QUEUE, DELAY_MICROS,
                Stats.fixed(DELAY_MICROS / Stats.median(baseP50), 0), Stats.fixed(Stats.median(baseP50), 0),
                Stats.fixed(base, 0), Stats.fixed(shadowed, 0), base > 0 ? Stats.fixed(shadowed / base, 2) : "-", errors)
                + (late.isEmpty() ? " Each shadow had started before its measured phase began."
                        : " **Not yet started when its measured phase began: " + String.join(", ", late) + ".**");
        context.report().table("shadow", "A slow shadow against the live p99", List.of("phase", "ops/s", "p50 µs",
                "p99 µs", "p99.9 µs", "errors", "copied", "matched", "mismatched", "failed", "dropped"), rows, notes);
    }

    private static String count(JsonNode shadow, String field) {
        return shadow == null ? "" : shadow.path(field).asText();
    }
}
