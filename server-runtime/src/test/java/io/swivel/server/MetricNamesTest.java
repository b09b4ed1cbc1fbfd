package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.swivel.client.RemoteServiceException;
import io.swivel.samples.greeter.Greeter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric family of a real server's {@code /metrics} follows Prometheus' naming rules:
 * checked here by the rules of {@code promtool check metrics} (client_golang's promlint) in
 * plain Java, so the check always runs, and by {@code promtool} itself where it is installed
 * (Debian: {@code apt-get install prometheus}; {@code .ci/run} takes the binary alone from that
 * package, names it in {@code SWIVEL_PROMTOOL} and sets {@code SWIVEL_REQUIRE_PROMTOOL=1}, so that
 * there it fails instead of skipping).
 */
@Timeout(120)
class MetricNamesTest {

    /** {@code SWIVEL_PROMTOOL} (where {@code .ci/run} put it), else {@code -Dswivel.test.promtool}, else Debian's. */
    private static final Path PROMTOOL = Path.of(Optional.ofNullable(System.getenv("SWIVEL_PROMTOOL"))
            .orElse(System.getProperty("swivel.test.promtool", "/usr/bin/promtool")));
    /** promlint's abbreviated units: a name part equal to one of them is refused. */
    private static final Set<String> ABBREVIATIONS = Set.of("s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb",
            "pb", "m", "h", "d");
    /** Units that are not base units (promlint wants seconds and bytes). */
    private static final Pattern NON_BASE_UNIT = Pattern.compile(
            "(^|_)((pico|nano|micro|milli|centi|deci|deca|hecto|kilo|kibi|mega|mebi|giga|gibi|tera|tebi|peta|pebi)"
                    + "(seconds|bytes|meters|grams)|minutes|hours|days|weeks)(_|$)");
    private static final Pattern SNAKE_CASE = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})? .*");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

    @TempDir
    Path root;

    @Test
    void everyFamilyHasHelpAndAPrometheusName() throws Exception {
        String text = scrapeAfterTraffic();
        List<String> problems = lint(text);
        assertThat(problems).as("promlint's rules on /metrics").isEmpty();
        assertThat(families(text)).as("the ones promtool refused before").containsKeys("system_cpus",
                "process_cpu_seconds_total", "netty_allocator_memory_used");
    }

    @Test
    void theRulesRefuseWhatPromtoolRefusedBefore() {
        String before = """
                # HELP system_cpu_count The number of processors available to the Java virtual machine
                # TYPE system_cpu_count gauge
                system_cpu_count 2.0
                # HELP process_cpu_time_ns_total The "cpu time" used by the Java Virtual Machine process
                # TYPE process_cpu_time_ns_total counter
                process_cpu_time_ns_total 1.0E9
                # HELP netty_allocator_memory_used\s
                # TYPE netty_allocator_memory_used gauge
                netty_allocator_memory_used{id="1",memory_type="heap"} 0.0
                # HELP swivel_calls Calls
                # TYPE swivel_calls counter
                swivel_calls{bundleName="greeter"} 1.0
                """;
        assertThat(lint(before)).containsExactlyInAnyOrder(
                "system_cpu_count non-histogram and non-summary metrics should not have \"_count\" suffix",
                "process_cpu_time_ns_total metric names should not contain abbreviated units",
                "netty_allocator_memory_used no help text",
                "swivel_calls counter metrics should have \"_total\" suffix",
                "swivel_calls label names should be written in 'snake_case' not 'camelCase'");
    }

    @Test
    void promtoolChecksTheMetrics() throws Exception {
        if ("1".equals(System.getenv("SWIVEL_REQUIRE_PROMTOOL"))) {
            assertThat(PROMTOOL).as("SWIVEL_REQUIRE_PROMTOOL=1 (.ci/run installs it): promtool").isExecutable();
        }
        assumeTrue(Files.isExecutable(PROMTOOL), PROMTOOL + " is not installed (Debian: apt-get install prometheus); "
                + "the same rules are checked in Java by everyFamilyHasHelpAndAPrometheusName");
        Path metrics = Files.writeString(root.resolve("metrics.txt"), scrapeAfterTraffic());
        Process promtool = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics")
                .redirectInput(metrics.toFile()).redirectErrorStream(true).start();
        String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("promtool check metrics").isEmpty();
        assertThat(promtool.exitValue()).isZero();
    }

    /** A server that served calls of each kind, swapped a version and drained the old one. */
    private String scrapeAfterTraffic() throws Exception {
        try (LiveServer live = LiveServer.start(root.resolve("server"), c -> c.probation = Duration.ZERO)) {
            Greeter greeter = live.proxy(Greeter.class);
            live.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
            await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> greeter.greet("Ada").equals("Hello, Ada (v1)"));
            assertThatThrownBy(() -> greeter.fail("on purpose")).isInstanceOf(RemoteServiceException.class);
            live.moveIn(TestBundles.jar("greeter-v2"), "greeter.jar");
            await().atMost(Duration.ofSeconds(15)).until(() -> greeter.greet("Ada").equals("Hello, Ada (v2)"));
            await().atMost(Duration.ofSeconds(15)).until(() -> new AdminHttp(live.server).scrape().text
                    .contains("swivel_drain_duration_seconds_count"));
            return new AdminHttp(live.server).scrape().text;
        }
    }

    /** The rules of client_golang's promlint, which {@code promtool check metrics} runs. */
    static List<String> lint(String text) {
        List<String> problems = new ArrayList<>();
        families(text).forEach((name, family) -> {
            String type = family.get("type");
            if (family.get("help") == null || family.get("help").isBlank()) {
                problems.add(name + " no help text");
            }
            if (!SNAKE_CASE.matcher(name).matches()) {
                problems.add(name + " metric names should be written in 'snake_case' not 'camelCase'");
            }
            if ("counter".equals(type) && !name.endsWith("_total")) {
                problems.add(name + " counter metrics should have \"_total\" suffix");
            }
            if (!"histogram".equals(type) && !"summary".equals(type)) {
                for (String reserved : List.of("_count", "_sum", "_bucket")) {
                    if (name.endsWith(reserved)) {
                        problems.add(name + " non-histogram and non-summary metrics should not have \"" + reserved + "\" suffix");
                    }
                }
            }
            for (String part : name.split("_")) {
                if (ABBREVIATIONS.contains(part)) {
                    problems.add(name + " metric names should not contain abbreviated units");
                }
                if (Set.of("counter", "gauge", "histogram", "summary").contains(part) && part.equals(type)) {
                    problems.add(name + " metric name should not include type '" + type + "'");
                }
            }
            if (NON_BASE_UNIT.matcher(name).find()) {
                problems.add(name + " use base units (seconds, bytes)");
            }
        });
        for (String line : text.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.matches() || sample.group(3) == null) {
                continue;
            }
            Matcher label = LABEL.matcher(sample.group(3));
            while (label.find()) {
                if (!SNAKE_CASE.matcher(label.group(1)).matches()) {
                    problems.add(sample.group(1) + " label names should be written in 'snake_case' not 'camelCase'");
                }
            }
        }
        return problems;
    }

    /** @return each family's name with its {@code help} and {@code type} */
    static Map<String, Map<String, String>> families(String text) {
        Map<String, Map<String, String>> families = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] words = line.split(" ", 4);
            if (words.length >= 3 && words[0].equals("#") && (words[1].equals("HELP") || words[1].equals("TYPE"))) {
                families.computeIfAbsent(words[2], n -> new LinkedHashMap<>())
                        .put(words[1].equals("HELP") ? "help" : "type", words.length > 3 ? words[3] : "");
            }
        }
        return families;
    }
}
