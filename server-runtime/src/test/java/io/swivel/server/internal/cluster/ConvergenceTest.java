package io.swivel.server.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.swivel.server.internal.cluster.Convergence.Attempt;
import io.swivel.server.internal.cluster.Convergence.Step;
import io.swivel.server.internal.deploy.BundleView;
import io.swivel.server.internal.deploy.Rollback;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rule a following server applies to one bundle: what it serves against what the cluster wants. */
class ConvergenceTest {

    private static final String V1 = "1".repeat(64);
    private static final String V2 = "2".repeat(64);
    private static final Instant T0 = Instant.parse("2026-12-02T03:00:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final DesiredVersion WANT_V2 = new DesiredVersion("greeter", "2.0.0", V2, null, "test", 0);

    private static BundleView.Version version(String version, String sha256) {
        return new BundleView.Version(version, sha256, "ACTIVE", 0, 0, 0, List.of("Greeter"), 100);
    }

    private static BundleView view(BundleView.Version active, BundleView.Version standby, Rollback rolledBack,
                                   String lastError, Instant lastErrorAt) {
        return new BundleView("greeter", "greeter.jar", active, standby, standby != null ? T0.plusSeconds(30) : null,
                rolledBack, lastError, lastErrorAt, List.of(), null, null);
    }

    private static Step decide(BundleView view, Attempt attempt, Instant now) {
        return Convergence.decide(WANT_V2, view, attempt, now, TIMEOUT).step();
    }

    @Test
    void servingTheDesiredContentMatchesAndOtherContentOrNoneIsFetched() {
        assertThat(decide(view(version("2.0.0", V2), null, null, null, null), null, T0)).isEqualTo(Step.MATCHES);
        assertThat(decide(view(version("1.0.0", V1), null, null, null, null), null, T0)).isEqualTo(Step.FETCH);
        assertThat(decide(null, null, T0)).isEqualTo(Step.FETCH);
        // the same version number with other content is not the desired version
        assertThat(decide(view(version("2.0.0", V1), null, null, null, null), null, T0)).isEqualTo(Step.FETCH);
        // an attempt for content the cluster no longer wants does not count
        assertThat(decide(view(version("1.0.0", V1), null, null, null, null), new Attempt(V1, T0, "peer"), T0))
                .isEqualTo(Step.FETCH);
    }

    @Test
    void anAttemptWaitsForTheWatcherThenSettlesThroughProbation() {
        Attempt attempt = new Attempt(V2, T0, "peer 127.0.0.1:1");
        assertThat(decide(view(version("1.0.0", V1), null, null, null, null), attempt, T0.plusSeconds(1)))
                .isEqualTo(Step.WAIT);
        assertThat(decide(view(version("2.0.0", V2), version("1.0.0", V1), null, null, null), attempt, T0.plusSeconds(2)))
                .isEqualTo(Step.SETTLING);
        assertThat(decide(view(version("2.0.0", V2), null, null, null, null), attempt, T0.plusSeconds(40)))
                .isEqualTo(Step.MATCHES);
        // an error from before the attempt is not its failure
        assertThat(decide(view(version("1.0.0", V1), null, null, "old", T0.minusSeconds(5)), attempt, T0.plusSeconds(1)))
                .isEqualTo(Step.WAIT);
    }

    @Test
    void aVersionThatDoesNotStartFailsProbationOrNeverServesFailsOnceAndIsNotFetchedAgain() {
        Attempt attempt = new Attempt(V2, T0, "peer 127.0.0.1:1");
        Convergence.Decision broken = Convergence.decide(WANT_V2,
                view(version("1.0.0", V1), null, null, "refuses to start", T0.plusSeconds(1)), attempt, T0.plusSeconds(2), TIMEOUT);
        assertThat(broken.step()).isEqualTo(Step.FAILED);
        assertThat(broken.why()).contains("greeter 2.0.0 did not deploy: refuses to start");

        Rollback probation = new Rollback("probation", "2.0.0", "1.0.0", "error rate 50%", T0.plusSeconds(20));
        Convergence.Decision rolledBack = Convergence.decide(WANT_V2, view(version("1.0.0", V1), null, probation, null, null),
                attempt, T0.plusSeconds(21), TIMEOUT);
        assertThat(rolledBack.step()).isEqualTo(Step.FAILED);
        assertThat(rolledBack.why()).contains("rolled back by probation: error rate 50%");

        assertThat(decide(view(version("1.0.0", V1), null, null, null, null), attempt, T0.plus(TIMEOUT).plusSeconds(1)))
                .isEqualTo(Step.FAILED);
    }
}
