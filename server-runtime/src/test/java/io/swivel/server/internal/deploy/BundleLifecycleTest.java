package io.swivel.server.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.swivel.api.HealthCheck;
import io.swivel.server.config.CanaryPolicy;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.BundleState;
import io.swivel.server.internal.bundle.InFlightCall;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The life of one bundle without a server: in-memory versions, a fake clock, and probation
 * checking every 5 ms. Every path a version takes, and the races between the commands.
 */
@Timeout(30)
class BundleLifecycleTest extends InMemoryLifecycleTest {

    private static final Duration WITHIN = Duration.ofSeconds(5);

    private void start(Duration window) {
        startLifecycle(window, 3, CanaryPolicy.defaults());
    }

    private boolean deploy(String version) {
        return greeter.deploy(jar, host.descriptor("greeter", version), null, System.nanoTime());
    }

    /**
     * Runs {@code op} on a thread of its own and returns once that thread waits for this
     * lifecycle's monitor (or {@code op} is done, which a test then finds): the race is then
     * really run, however slow the thread was to start.
     */
    private <T> CompletableFuture<T> blockedOnTheLifecycle(String name, Callable<T> op) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(op.call());
            } catch (Exception | Error e) {
                result.completeExceptionally(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        String monitor = BundleLifecycle.class.getName() + "@" + Integer.toHexString(System.identityHashCode(greeter));
        await().atMost(WITHIN).until(() -> result.isDone() || (thread.getState() == Thread.State.BLOCKED
                && monitor.equals(ManagementFactory.getThreadMXBean().getThreadInfo(thread.getId()).getLockName())));
        return result;
    }

    private BundleGeneration loaded(String version, int nth) {
        return host.loaded.stream().filter(g -> g.version().equals(version)).skip(nth).findFirst().orElseThrow();
    }

    @Test
    void theFirstVersionServesAndIsRemembered() {
        start(Duration.ZERO);
        assertThat(deploy("1")).isTrue();

        BundleGeneration v1 = greeter.active();
        assertThat(v1.state()).isEqualTo(BundleState.ACTIVE);
        assertThat(host.serving.get("greeter")).isSameAs(v1);
        assertThat(greeter.history().entries()).extracting(HistoryEntry::version).containsExactly("1");
        assertThat(greeter.history().entries().get(0).deployedAt()).isEqualTo(clock.instant());
        assertThat(events.events).containsExactly("swapped - 1", "deployed 1", "servingChanged 1");
        assertThat(greeter.jarHolds()).isEqualTo(new BundleFacts.JarContent("1", FakeHost.sha("1"), null));
    }

    @Test
    void aReplacedVersionStandsByUntilProbationPassesThenUnloads() {
        start(Duration.ofSeconds(30));
        deploy("1");
        BundleGeneration v1 = greeter.active();
        deploy("2");
        BundleGeneration v2 = greeter.active();

        assertThat(greeter.standby()).isSameAs(v1);
        await().atMost(WITHIN).until(() -> v1.state() == BundleState.STANDBY);
        assertThat(greeter.probationEndsAt()).isEqualTo(clock.instant().plusSeconds(30));
        assertThat(events.count("probationPassed")).isZero();

        clock.advance(Duration.ofSeconds(31));
        await().atMost(WITHIN).until(() -> v1.state() == BundleState.UNLOADED);
        assertThat(greeter.standby()).isNull();
        assertThat(greeter.probationEndsAt()).isNull();
        assertThat(v2.state()).isEqualTo(BundleState.ACTIVE);
        assertThat(events.events).contains("probationPassed 2", "unloaded 1");
    }

    @Test
    void aFailedHealthCheckInProbationSwapsBackToTheStandby() {
        start(Duration.ofSeconds(30));
        deploy("1");
        BundleGeneration v1 = greeter.active();
        deploy("2");
        BundleGeneration v2 = greeter.active();
        v2.context().setHealthCheck(() -> HealthCheck.Result.unhealthy("database gone"));

        await().atMost(WITHIN).until(() -> greeter.active() == v1);
        assertThat(v1.state()).isEqualTo(BundleState.ACTIVE);
        await().atMost(WITHIN).until(() -> v2.state() == BundleState.UNLOADED);
        assertThat(greeter.rolledBack().by()).isEqualTo(BundleLifecycle.BY_PROBATION);
        assertThat(greeter.rolledBack().reason()).isEqualTo("2 failed probation: its health check failed: database gone");
        assertThat(greeter.lastError()).contains("failed probation");
        assertThat(events.events).containsSubsequence("probationFailed 2", "rolledBack 2 1 standby");
    }

    @Test
    void aHealthCheckThatInterruptsItselfFailsProbationInsteadOfPassing() {
        start(Duration.ofSeconds(30));
        deploy("1");
        BundleGeneration v1 = greeter.active();
        deploy("2");
        greeter.active().context().setHealthCheck(() -> {
            Thread.currentThread().interrupt();
            return HealthCheck.Result.healthy();
        });
        clock.advance(Duration.ofSeconds(31)); // due: an interrupt taken as healthy would pass it now

        await().atMost(WITHIN).until(() -> greeter.active() == v1);
        assertThat(greeter.rolledBack().reason()).contains("interrupted");
        assertThat(events.count("probationPassed")).isZero();
    }

    @Test
    void withoutProbationTheReplacedVersionDrainsAndUnloads() {
        start(Duration.ZERO);
        deploy("1");
        BundleGeneration v1 = greeter.active();
        deploy("2");

        assertThat(greeter.standby()).isNull();
        await().atMost(WITHIN).until(() -> v1.state() == BundleState.UNLOADED);
        assertThat(events.events).contains("drained 1", "unloaded 1");
    }

    @Test
    void aVersionThatDoesNotStartLeavesTheServingOneUntouchedAndItsCopyGoes() {
        start(Duration.ZERO);
        deploy("1");
        BundleGeneration v1 = greeter.active();
        host.failingVersions.add("2");

        assertThat(deploy("2")).isFalse();
        assertThat(greeter.active()).isSameAs(v1);
        assertThat(v1.state()).isEqualTo(BundleState.ACTIVE);
        assertThat(greeter.jarHolds().failed()).isTrue();
        assertThat(greeter.jarHolds().version()).isEqualTo("2");
        assertThat(greeter.lastError()).contains("broken on purpose");
        assertThat(host.deletedFromHistory).containsExactly("greeter/2-" + FakeHost.sha("2").substring(0, 12) + ".jar");
        assertThat(events.events).contains("failed greeter");
    }

    @Test
    void aRefusedSwitchFailsTheNewVersionAndUnloadsIt() {
        start(Duration.ZERO);
        deploy("1");
        host.conflicting.add("2");

        assertThat(deploy("2")).isFalse();
        BundleGeneration v2 = loaded("2", 0);
        await().atMost(WITHIN).until(() -> v2.state() == BundleState.UNLOADED);
        assertThat(greeter.active().version()).isEqualTo("1");
        assertThat(greeter.lastError()).contains("already served by bundle other");
    }

    @Test
    void aRollbackFromHistoryLoadsTheVersionAgainAndTheJarIsNotItsContent() throws Exception {
        start(Duration.ZERO);
        deploy("1");
        deploy("2");
        BundleGeneration v2 = greeter.active();

        String message = greeter.rollback(null, Deployer.BY_ADMIN, null);
        assertThat(message).startsWith("greeter 2 → 1 rolled back from history in ");
        assertThat(greeter.active()).isSameAs(loaded("1", 1));
        assertThat(greeter.rolledBack().fromVersion()).isEqualTo("2");
        await().atMost(WITHIN).until(() -> v2.state() == BundleState.UNLOADED);

        assertThatThrownBy(() -> greeter.rollback(null, Deployer.BY_ADMIN, null))
                .isInstanceOf(RollbackException.class)
                .hasMessage("greeter 1 has no earlier version to roll back to (history: [2, 1])");
        // forward again to what the jar holds: no rollback stands any more
        greeter.rollback("2", Deployer.BY_ADMIN, null);
        assertThat(greeter.rolledBack()).isNull();
    }

    @Test
    void aRollbackWhileTheJarHoldsAFailedVersionSaysWhatServesAndWhatTheJarHolds() throws Exception {
        start(Duration.ZERO);
        deploy("1");
        deploy("2");
        greeter.rollback(null, Deployer.BY_ADMIN, null); // 1 serves, the jar holds 2
        host.failingVersions.add("3");
        deploy("3"); // the jar holds 3 now, which failed

        greeter.rollback("2", Deployer.BY_ADMIN, null); // 2 was the jar's content once, but is not now
        BundleFacts facts = events.facts.get(events.facts.size() - 1);
        assertThat(facts.active().version()).isEqualTo("2");
        assertThat(facts.rolledBack()).isNotNull();
        assertThat(facts.jarHolds().version()).isEqualTo("3");
        assertThat(facts.jarHolds().failed()).isTrue();

        new MarkerWriter().servingChanged(facts);
        assertThat(root.resolve("greeter.jar.rolledback")).content()
                .contains("from: greeter 1\n", "to: greeter 2\n", "serving: greeter 2 (sha256 " + FakeHost.sha("2") + ")")
                .contains("jar holds: greeter 3 (sha256 " + FakeHost.sha("3") + "), which did not deploy: ")
                .contains("jar sha256: " + FakeHost.sha("3"));
    }

    @Test
    void anUndeployDuringADrainUnloadsBothVersionsOnceTheirCallsEnd() {
        start(Duration.ZERO);
        deploy("1");
        BundleGeneration v1 = greeter.active();
        InFlightCall call = message -> { };
        assertThat(v1.tryAcquire(call)).isTrue();
        deploy("2");
        BundleGeneration v2 = greeter.active();
        assertThat(v1.state()).isEqualTo(BundleState.DRAINING);

        assertThat(greeter.undeploy(jar)).as("no shadow ran").isNull();
        assertThat(host.serving).isEmpty();
        assertThat(greeter.active()).isNull();
        await().atMost(WITHIN).until(() -> v2.state() == BundleState.UNLOADED);
        assertThat(v1.state()).isEqualTo(BundleState.DRAINING); // its call still runs

        v1.release(call, false);
        await().atMost(WITHIN).until(() -> v1.state() == BundleState.UNLOADED);
        assertThat(events.events).contains("undeployed greeter");
    }

    @Test
    void aSwapDuringARollbackWaitsForItAndThenReplacesWhatTheRollbackLeft() throws Exception {
        start(Duration.ZERO);
        deploy("1");
        deploy("2");
        BundleGeneration v2 = greeter.active();
        CountDownLatch rollbackLoading = host.gate("1");
        CompletableFuture<String> rollback = CompletableFuture.supplyAsync(() -> {
            try {
                return greeter.rollback(null, Deployer.BY_ADMIN, null);
            } catch (RollbackException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(rollbackLoading.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Boolean> swap = blockedOnTheLifecycle("swap-during-rollback", () -> deploy("3"));

        assertThat(swap).isNotDone();
        assertThat(greeter.active()).isSameAs(v2); // the rollback's version still loads: nothing switched
        host.release("1");
        assertThat(rollback.get(5, TimeUnit.SECONDS)).startsWith("greeter 2 → 1 rolled back from history");
        assertThat(swap.get(5, TimeUnit.SECONDS)).isTrue();

        assertThat(greeter.active().version()).isEqualTo("3");
        assertThat(greeter.rolledBack()).isNull();
        BundleGeneration v1again = loaded("1", 1);
        await().atMost(WITHIN).until(() -> v1again.state() == BundleState.UNLOADED && v2.state() == BundleState.UNLOADED);
        assertThat(events.events).containsSubsequence("rolledBack 2 1 history", "deployed 3");
    }

    @Test
    void aRollbackDuringProbationAndTheProbationsOwnRollbackHappenOnce() throws Exception {
        start(Duration.ofSeconds(30));
        deploy("1");
        BundleGeneration v1 = greeter.active();
        deploy("2");
        BundleGeneration v2 = greeter.active();

        v2.context().setHealthCheck(() -> HealthCheck.Result.unhealthy("failing"));
        AtomicReference<Object> admin = new AtomicReference<>();
        try {
            admin.set(greeter.rollback(null, Deployer.BY_ADMIN, null));
        } catch (RollbackException e) {
            admin.set(e); // probation rolled back first: nothing is left to roll back to
        }

        await().atMost(WITHIN).until(() -> v2.state() == BundleState.UNLOADED);
        assertThat(greeter.active()).isSameAs(v1);
        assertThat(events.count("rolledBack")).isEqualTo(1);
        if (admin.get() instanceof RollbackException e) {
            assertThat(e.reason()).isEqualTo(RollbackException.Reason.NOTHING_TO_ROLL_BACK_TO);
            assertThat(greeter.rolledBack().by()).isEqualTo(BundleLifecycle.BY_PROBATION);
        } else {
            assertThat(greeter.rolledBack().by()).isEqualTo(Deployer.BY_ADMIN);
        }
    }

    @Test
    void aConfigurationUpdateDuringASwapReachesTheVersionThatServesAfterIt() throws Exception {
        start(Duration.ZERO);
        deploy("1");
        CountDownLatch loading = host.gate("2");
        CompletableFuture<Boolean> swap = CompletableFuture.supplyAsync(() -> deploy("2"));
        assertThat(loading.await(5, TimeUnit.SECONDS)).isTrue();
        host.config = Map.of("greeting", "Hi");
        CompletableFuture<Boolean> update = blockedOnTheLifecycle("update-during-swap", () -> {
            greeter.configChanged();
            return true;
        });

        assertThat(update).isNotDone();
        host.release("2");
        assertThat(swap.get(5, TimeUnit.SECONDS)).isTrue();
        update.get(5, TimeUnit.SECONDS);
        assertThat(greeter.active().version()).isEqualTo("2");
        assertThat(greeter.active().context().config().asMap()).isEqualTo(Map.of("greeting", "Hi"));
        assertThat(events.count("configRestarting 1")).isZero(); // never applied to the version replaced
    }

    @Test
    void aConfigurationWithListenersIsAppliedInPlace() {
        start(Duration.ZERO);
        deploy("1");
        BundleGeneration v1 = greeter.active();
        AtomicReference<String> seen = new AtomicReference<>();
        v1.context().addConfigListener(config -> seen.set(config.get("greeting")));
        host.config = Map.of("greeting", "Hi");

        greeter.configChanged();
        assertThat(seen.get()).isEqualTo("Hi");
        assertThat(greeter.active()).isSameAs(v1);
        assertThat(events.events).contains("configApplied 1");
    }

    @Test
    void aConfigurationWithoutListenersRestartsTheVersionAndSwapsItIn() {
        start(Duration.ZERO);
        deploy("1");
        BundleGeneration v1 = greeter.active();
        host.config = Map.of("greeting", "Hi");

        greeter.configChanged();
        assertThat(greeter.active()).isNotSameAs(v1);
        assertThat(greeter.active().version()).isEqualTo("1");
        assertThat(greeter.active().context().config().get("greeting")).isEqualTo("Hi");
        await().atMost(WITHIN).until(() -> v1.state() == BundleState.UNLOADED);
        assertThat(events.events).contains("configRestarting 1");
    }

    @Test
    void aConfigurationRestartThatFailsNamesTheVersionServingWhichKeepsServingFromItsFile() {
        start(Duration.ZERO);
        deploy("1");
        BundleGeneration v1 = greeter.active();
        host.failingVersions.add("1");
        host.config = Map.of("greeting", "Hi");

        greeter.configChanged();

        assertThat(greeter.active()).isSameAs(v1);
        assertThat(v1.state()).isEqualTo(BundleState.ACTIVE);
        assertThat(events.failedVersions).as("the failed event names the version that did not restart").containsExactly("1");
        assertThat(greeter.lastError()).contains("broken on purpose");
        assertThat(host.deletedFromHistory).as("the file of the version serving stays").isEmpty();
    }

    @Test
    void aJarReplacedWhileItsPreviousVersionStillStartsDeploysBothInOrder() throws Exception {
        start(Duration.ZERO);
        CountDownLatch loading = host.gate("1");
        CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> deploy("1"));
        assertThat(loading.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> deploy("2"));

        host.release("1");
        assertThat(first.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(second.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(greeter.active().version()).isEqualTo("2");
        BundleGeneration v1 = loaded("1", 0);
        await().atMost(WITHIN).until(() -> v1.state() == BundleState.UNLOADED);
        assertThat(greeter.history().entries()).extracting(HistoryEntry::version).containsExactly("2", "1");
    }

    @Test
    void shutdownDrainsAndUnloadsTheActiveVersionAndTheStandby() {
        start(Duration.ofSeconds(30));
        deploy("1");
        BundleGeneration v1 = greeter.active();
        deploy("2");
        BundleGeneration v2 = greeter.active();

        List<BundleGeneration> stopping = greeter.stopServing();
        assertThat(stopping).containsExactly(v2, v1);
        assertThat(v2.state()).isEqualTo(BundleState.DRAINING);
        assertThat(host.serving.get("greeter")).isSameAs(v2); // still routed: its callers hear RELOADING
        assertThat(retirer.drainAll(stopping)).isZero();
        greeter.removeFromDirectory();
        retirer.unloadAll(stopping);
        assertThat(host.serving).isEmpty();
        assertThat(v1.state()).isEqualTo(BundleState.UNLOADED);
        assertThat(v2.state()).isEqualTo(BundleState.UNLOADED);
    }

    @Test
    void historyKeepsTheLimitAndFreesTheFilesOfVersionsNoLongerLoaded() {
        start(Duration.ZERO);
        for (String version : List.of("1", "2", "3", "4")) {
            deploy(version);
        }
        assertThat(greeter.history().entries()).extracting(HistoryEntry::version).containsExactly("4", "3", "2");
        assertThat(host.deletedFromHistory).containsExactly("greeter/1-" + FakeHost.sha("1").substring(0, 12) + ".jar");
    }
}
