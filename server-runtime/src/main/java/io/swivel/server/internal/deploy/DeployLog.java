package io.swivel.server.internal.deploy;

import static io.swivel.server.internal.deploy.LifecycleListener.millis;

import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.logging.BundleMdc;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-line summaries of the deploy path in the log. They keep the {@code Deployer} logger
 * they always had, so operators' log filters still match.
 */
final class DeployLog implements LifecycleListener {

    private static final Logger log = LoggerFactory.getLogger(Deployer.class);

    @Override
    public void failed(String bundle, String version, Path jar, DeploymentException error,
                       BundleGeneration servingInstead) {
        String prefix = jar.getFileName() + ": ";
        String reason = error.getMessage().startsWith(prefix) ? error.getMessage().substring(prefix.length())
                : error.getMessage(); // the line names the jar once
        if (error.getCause() != null) {
            log.warn("{} not deployed: {}; serving instead: {}", jar.getFileName(), reason,
                    MarkerWriter.describe(servingInstead), error);
        } else {
            log.warn("{} not deployed: {}; serving instead: {}", jar.getFileName(), reason,
                    MarkerWriter.describe(servingInstead));
        }
    }

    @Override
    public void deployed(BundleGeneration generation, Path jar, BundleGeneration previous, long nanos) {
        if (previous == null) {
            log.info("{} {} active in {} ms (from {})", generation.name(), generation.version(), millis(nanos),
                    jar.getFileName());
        }
    }

    @Override
    public void restored(BundleGeneration generation, Path jar, String jarVersion, Rollback rollback) {
        if (rollback == null) {
            log.info("{} {} active again (from history) after the restart; {} holds {}, which starts again beside it"
                    + " (its canary or its shadow)", generation.name(), generation.version(), jar.getFileName(), jarVersion);
            return;
        }
        log.info("{} {} active again (from history): {} holds {}, which {} rolled back before the restart",
                generation.name(), generation.version(), jar.getFileName(), jarVersion, rollback.by());
    }

    @Override
    public void drained(BundleGeneration generation, Retirer.Drain drain) {
        if (drain.summary() == null) {
            return;
        }
        String abandoned = drain.abandoned() > 0 ? " (" + drain.abandoned() + " answered RELOADING)" : "";
        if (drain.standbyFor() == null) {
            log.info("{}, drained {} call(s) in {} ms{}", drain.summary(), drain.finished(), millis(drain.nanos()),
                    abandoned);
        } else {
            log.info("{}, drained {} call(s) in {} ms{}; {} stays standby for {} s of probation", drain.summary(),
                    drain.finished(), millis(drain.nanos()), abandoned, generation.version(),
                    drain.standbyFor().toSeconds());
        }
    }

    @Override
    public void rolledBack(BundleGeneration from, BundleGeneration to, String source, Rollback rollback,
                           String message) {
        if (rollback.reason() != null) {
            log.warn("{} by {}: {}", message, rollback.by(), rollback.reason());
        } else {
            log.info("{} by {}", message, rollback.by());
        }
    }

    @Override
    public void probationPassed(BundleGeneration generation, BundleGeneration standby) {
        try (BundleMdc.Scope mdc = BundleMdc.open(generation.name(), generation.version())) {
            log.info("{} {} passed probation ({} calls, {} failed); releasing standby {}", generation.name(),
                    generation.version(), generation.completedCalls(), generation.failedCalls(), standby.version());
        }
    }

    @Override
    public void probationRollbackFailed(BundleGeneration generation, String reason, RollbackException error) {
        log.error("{} {} failed probation ({}) but could not be rolled back: {}", generation.name(),
                generation.version(), reason, error.getMessage(), error);
    }

    @Override
    public void configApplied(BundleGeneration generation, long nanos) {
        log.info("{} {}: configuration updated in place in {} ms", generation.name(), generation.version(),
                millis(nanos));
    }

    @Override
    public void configRestarting(BundleGeneration generation) {
        log.info("{} {} has no configuration listener: restarting it with the new configuration",
                generation.name(), generation.version());
    }

    @Override
    public void configFailed(BundleGeneration generation, String message, Throwable cause) {
        if (cause != null) {
            log.warn("{}; {} {} keeps its configuration", message, generation.name(), generation.version(), cause);
        } else {
            log.warn("{}; {} {} keeps its configuration", message, generation.name(), generation.version());
        }
    }

    @Override
    public void canaryWeighted(BundleGeneration canary, BundleGeneration stable, Rollout rollout) {
        log.info("{} canary {} at {} beside {}; next analysis at {}", canary.name(), canary.version(), rollout.describe(),
                stable.version(), rollout.nextStepAt());
    }

    @Override
    public void canaryAnalysed(String bundle, CanaryAnalysis analysis) {
        if (analysis.outcome() == CanaryAnalysis.Outcome.FAILED) {
            log.warn("{}: {}", bundle, analysis.message());
        } else {
            log.info("{}: {}", bundle, analysis.message());
        }
    }

    @Override
    public void canaryEnded(BundleGeneration canary, BundleGeneration stable, boolean promoted, String message) {
        log.info("{}", message);
    }

    @Override
    public void shadowStarted(ShadowMirror mirror, String message) {
        log.info("{}", message);
    }

    @Override
    public void shadowForgotten(String bundle, String version, Exception why) {
        log.warn("{}: the shadow {} that ran before the restart does not start again: {}", bundle, version,
                why.getMessage(), why);
    }
}
