package io.swivel.server.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.swivel.server.internal.metrics.ServerMetrics;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShadowReportTest {

    private final List<String> outcomes = new ArrayList<>();
    /** Counts {@code shadowCopy}; every other meter is the no-op one. */
    private final ServerMetrics metrics = (ServerMetrics) java.lang.reflect.Proxy.newProxyInstance(
            ServerMetrics.class.getClassLoader(), new Class<?>[] {ServerMetrics.class}, (proxy, method, args) -> {
                if (method.getName().equals("shadowCopy")) {
                    outcomes.add(args[0] + " " + args[1] + " " + args[2]);
                    return null;
                }
                return method.invoke(ServerMetrics.none(), args);
            });
    private final ShadowReport report = new ShadowReport("greeter", "2.0.0", metrics,
            Clock.fixed(Instant.parse("2026-12-02T01:00:00Z"), ZoneOffset.UTC));

    @Test
    void keepsTheLastTwentyMismatchesOldestFirstAndCountsEveryOutcome() {
        for (int i = 0; i < 25; i++) {
            report.copied();
            report.mismatched("Greeter.greet", "[odd-" + i + "]", "Hello", "Hi");
        }
        report.copied();
        report.matched();
        report.copied();
        report.failed("Greeter.greet", "java.lang.IllegalStateException: boom");
        report.copied();
        report.dropped();

        assertThat(report.copiedCount()).isEqualTo(28);
        assertThat(report.mismatchCount()).isEqualTo(25);
        assertThat(report.matchCount()).isEqualTo(1);
        assertThat(report.errorCount()).isEqualTo(1);
        assertThat(report.droppedCount()).isEqualTo(1);
        assertThat(report.mismatches()).hasSize(ShadowReport.KEPT);
        assertThat(report.mismatches().get(0).arguments()).isEqualTo("[odd-5]");
        assertThat(report.mismatches().get(19).arguments()).isEqualTo("[odd-24]");
        assertThat(outcomes).hasSize(28).contains("greeter 2.0.0 mismatch", "greeter 2.0.0 match",
                "greeter 2.0.0 error", "greeter 2.0.0 dropped");
        Map<String, Object> view = report.view();
        assertThat(view).containsEntry("copied", 28L).containsEntry("dropped", 1L)
                .containsEntry("lastError", "Greeter.greet: java.lang.IllegalStateException: boom");
    }

    @Test
    void cutsLongArgumentsAndAnswersWithTheProjectsBoundedText() {
        String huge = "x".repeat(10_000);
        report.mismatched("Greeter.greet", huge, huge, "short");
        ShadowReport.Mismatch kept = report.mismatches().get(0);
        assertThat(kept.arguments().length()).isLessThan(ShadowReport.MAX_TEXT + 100);
        assertThat(kept.arguments()).startsWith("xxxx").isEqualTo(BoundedText.of(huge, ShadowReport.MAX_TEXT));
        assertThat(kept.live()).isEqualTo(BoundedText.of(huge, ShadowReport.MAX_TEXT));
        assertThat(kept.shadow()).isEqualTo("short");
        assertThat(kept.at()).isEqualTo(Instant.parse("2026-12-02T01:00:00Z"));
    }
}
