package io.swivel.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swivel.bench.proc.ChildProcess;
import io.swivel.bench.report.Stats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The JMH micro-benchmarks of {@code io.swivel.bench.jmh} (codec and in-process dispatch), run
 * by JMH's own runner in a JVM of their own with the run's JVM flags, results read from JMH's
 * JSON output.
 */
public final class JmhScenario implements Scenario {

    @Override
    public String name() {
        return "jmh";
    }

    @Override
    public void run(Context context) throws Exception {
        BenchSettings s = context.settings();
        Path json = context.report().dir().resolve("jmh.json");
        String time = s.jmhIterationTime().toMillis() + "ms";
        List<String> args = List.of("io\\.swivel\\.bench\\.jmh\\..*", "-f", String.valueOf(s.jmhForks()),
                "-wi", String.valueOf(s.jmhWarmupIterations()), "-i", String.valueOf(s.jmhIterations()),
                "-w", time, "-r", time, "-foe", "true", "-rf", "json", "-rff", json.toString(),
                "-jvmArgsAppend", "-Dswivel.bench.bundle=" + context.launcher().bundleJar());
        context.progress().say("jmh: %d fork(s), %d warm-up and %d measurement iterations of %s each", s.jmhForks(),
                s.jmhWarmupIterations(), s.jmhIterations(), time);
        try (ChildProcess jmh = ChildProcess.start("jmh", context.launcher().java().command(List.of(),
                        context.launcher().harnessClasspath(), "org.openjdk.jmh.Main", args),
                context.launcher().workDir().resolve("logs/jmh.log"), line -> {
                    if (line.startsWith("# Benchmark: ")) {
                        context.progress().say("  jmh %s", line.substring(2));
                    }
                })) {
            int status = jmh.awaitExit(Duration.ofMinutes(60));
            if (status != 0) {
                throw new IllegalStateException("JMH failed with exit status " + status + "; " + jmh.tail());
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode result : new ObjectMapper().readTree(json.toFile())) {
            JsonNode metric = result.path("primaryMetric");
            String name = result.path("benchmark").asText().replace("io.swivel.bench.jmh.", "");
            rows.add(List.of(name, result.path("mode").asText(), String.valueOf(result.path("threads").asInt()),
                    Stats.fixed(metric.path("score").asDouble(), 3),
                    metric.path("scoreError").isNumber() && !Double.isNaN(metric.path("scoreError").asDouble())
                            ? "± " + Stats.fixed(metric.path("scoreError").asDouble(), 3) : "",
                    metric.path("scoreUnit").asText()));
        }
        context.report().table("jmh", "JMH micro-benchmarks", List.of("benchmark", "mode", "threads", "score", "error (99.9%)", "unit"),
                rows, "Raw JMH output: jmh.json.");
    }
}
