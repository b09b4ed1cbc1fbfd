package io.swivel.server.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.swivel.server.config.CanaryPolicy;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.BundleState;
import io.swivel.server.internal.metrics.ServerMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shadow role of one bundle's lifecycle without a server: in-memory versions, a fake clock.
 * The lifecycle owns the shadow (start, replace, stop, promote, undeploy, shutdown); a swap
 * leaves it running beside whatever serves.
 */
@Timeout(30)
class ShadowLifecycleTest extends InMemoryLifecycleTest {

    private static final Duration WITHIN = Duration.ofSeconds(5);

    @BeforeEach
    void start() {
        startLifecycle(Duration.ZERO, 3, CanaryPolicy.defaults());
    }

    private void deploy(String version) {
        assertThat(greeter.deploy(jar, host.descriptor("greeter", version), null, System.nanoTime())).isTrue();
    }

    /** A lifecycle of greeter whose events reach {@code more} too. */
    private BundleLifecycle lifecycleAlsoTelling(LifecycleListener more) {
        return new BundleLifecycle("greeter", host, retirer, probation, Listeners.of(List.of(events, more)), clock, 3);
    }

    /** A version loaded and started as ShadowCommands does, with its mirror (not yet the bundle's shadow). */
    private ShadowMirror shadowOf(String version) throws DeploymentException {
        BundleGeneration generation = host.load(host.descriptor("greeter", version));
        generation.activate();
        return new ShadowMirror(generation, greeter::active, 10, 1, 10,
                new ShadowReport("greeter", version, ServerMetrics.none(), clock));
    }

    @Test
    void aShadowIsARoleOfTheLifecycleRoutedBesideTheVersionServingAndEndsWhenStopped() throws Exception {
        deploy("1");
        BundleGeneration v1 = greeter.active();
        ShadowMirror shadow = shadowOf("2");

        assertThat(greeter.startShadow(shadow, "started")).as("no shadow before").isNull();
        assertThat(greeter.shadow()).isSameAs(shadow);
        assertThat(host.mirrors.get("greeter")).isSameAs(shadow);
        assertThat(host.serving.get("greeter")).as("a shadow serves no caller").isSameAs(v1);
        assertThat(greeter.facts().active()).isSameAs(v1);

        ShadowMirror taken = greeter.takeShadow();
        assertThat(taken).isSameAs(shadow);
        assertThat(greeter.shadow()).isNull();
        assertThat(host.mirrors).doesNotContainKey("greeter");
        assertThat(greeter.takeShadow()).as("nothing left to take").isNull();

        String line = greeter.endShadow(taken, "stopped", false);
        assertThat(line).isEqualTo("greeter shadow 2 stopped after 0 copies: 0 matched, 0 mismatched, 0 failed, 0 dropped");
        await().atMost(WITHIN).until(() -> shadow.shadow().state() == BundleState.UNLOADED);
        assertThat(events.events).contains("shadowEnded 2", "unloaded 2");
        assertThat(v1.state()).isEqualTo(BundleState.ACTIVE);
    }

    @Test
    void aShadowNeedsAVersionServingAndARefusedOneChangesNothing() throws Exception {
        ShadowMirror early = shadowOf("2");
        assertThatThrownBy(() -> greeter.startShadow(early, "started")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("serves nothing to shadow");
        assertThat(greeter.shadow()).isNull();
        assertThat(host.mirrors).isEmpty();
    }

    @Test
    void aNewShadowReplacesTheOneBeforeInOneSwitch() throws Exception {
        deploy("1");
        ShadowMirror first = shadowOf("2");
        ShadowMirror second = shadowOf("3");
        greeter.startShadow(first, "started");

        ShadowMirror replaced = greeter.startShadow(second, "started");

        assertThat(replaced).isSameAs(first);
        assertThat(greeter.shadow()).isSameAs(second);
        assertThat(host.mirrors.get("greeter")).isSameAs(second);
        assertThat(events.events).as("each start is told by the lifecycle, under its monitor")
                .containsSubsequence("shadowStarted 2", "shadowStarted 3");
        greeter.endShadow(replaced, "replaced by 3", false);
        await().atMost(WITHIN).until(() -> first.shadow().state() == BundleState.UNLOADED);
        assertThat(second.shadow().state()).isEqualTo(BundleState.ACTIVE);
        assertThat(events.events).contains("shadowEnded 2").doesNotContain("shadowEnded 3");
    }

    /**
     * state.json keeps the shadow running: a replaced one ends after its successor's start was
     * told, and its end does not take the successor out; one that ends while running does go.
     */
    @Test
    void stateJsonKeepsTheShadowRunningWhenTheOneItReplacedEndsAfterItsStart() throws Exception {
        StateJournal journal = new StateJournal(root.resolve("data"));
        greeter = lifecycleAlsoTelling(journal);
        deploy("1");
        ShadowMirror first = shadowOf("2");
        ShadowMirror second = shadowOf("3");
        greeter.startShadow(first, "started");
        ShadowMirror replaced = greeter.startShadow(second, "started");

        greeter.endShadow(replaced, "replaced by 3", false);

        SavedState.SavedShadow saved = new StateJournal(root.resolve("data")).load().bundles().get("greeter").shadow();
        assertThat(saved).as("the shadow running after a restart").isNotNull();
        assertThat(saved.version()).isEqualTo("3");
        assertThat(saved.sha256()).isEqualTo(FakeHost.sha("3"));

        greeter.endShadow(greeter.takeShadow(), "stopped", false);
        assertThat(new StateJournal(root.resolve("data")).load().bundles().get("greeter").shadow())
                .as("a shadow stopped stays stopped after a restart").isNull();
    }

    /**
     * An undeploy right after a start: the start is told by startShadow itself, before any
     * undeploy can take the shadow out, so the end takes it out of state.json for good and it
     * does not come back when the bundle deploys again.
     */
    @Test
    void aShadowUndeployedRightAfterItsStartIsNotSavedAfterItsEnd() throws Exception {
        StateJournal journal = new StateJournal(root.resolve("data"));
        greeter = lifecycleAlsoTelling(journal);
        deploy("1");
        ShadowMirror shadow = shadowOf("2");
        greeter.startShadow(shadow, "started");

        greeter.endShadow(greeter.undeploy(jar), "undeployed", false);

        assertThat(events.events).containsSubsequence("shadowStarted 2", "undeployed greeter", "shadowEnded 2");
        assertThat(new StateJournal(root.resolve("data")).load().bundles()).doesNotContainKey("greeter");
        greeter = lifecycleAlsoTelling(journal);
        deploy("1"); // the bundle deployed again
        assertThat(new StateJournal(root.resolve("data")).load().bundles().get("greeter").shadow())
                .as("the shadow that ended does not come back with its bundle").isNull();
    }

    @Test
    void aSwapAndARollbackLeaveTheShadowRunningBesideWhateverServes() throws Exception {
        deploy("1");
        ShadowMirror shadow = shadowOf("3");
        greeter.startShadow(shadow, "started");

        deploy("2");
        assertThat(greeter.active().version()).isEqualTo("2");
        assertThat(greeter.shadow()).isSameAs(shadow);
        assertThat(host.mirrors.get("greeter")).isSameAs(shadow);
        assertThat(shadow.shadow().state()).isEqualTo(BundleState.ACTIVE);

        greeter.rollback("1", "ops", null);
        assertThat(greeter.active().version()).isEqualTo("1");
        assertThat(greeter.shadow()).isSameAs(shadow);
        assertThat(shadow.shadow().state()).isEqualTo(BundleState.ACTIVE);
        assertThat(events.events).doesNotContain("shadowEnded 3", "unloaded 3");
    }

    @Test
    void aPromotedShadowStartsAsACanaryThenEndsAndSaysItWasPromoted() throws Exception {
        deploy("1");
        BundleGeneration v1 = greeter.active();
        ShadowMirror shadow = shadowOf("2");
        greeter.startShadow(shadow, "started");

        // as Deployer#shadowPromote: the shadow's jar starts as a canary, then the shadow ends
        assertThat(greeter.deploy(jar, host.descriptor("greeter", "2"),
                new CanaryPlan(List.of(5, 100), Duration.ofMinutes(1), false), System.nanoTime())).isTrue();
        assertThat(greeter.shadow()).as("the shadow runs until the canary started").isSameAs(shadow);
        BundleGeneration canary = greeter.canary();
        assertThat(canary.version()).isEqualTo("2");
        assertThat(canary).isNotSameAs(shadow.shadow());

        greeter.endShadow(greeter.takeShadow(), "stopped", true);

        await().atMost(WITHIN).until(() -> shadow.shadow().state() == BundleState.UNLOADED);
        assertThat(events.events).contains("shadowEnded 2 promoted");
        assertThat(greeter.canary()).isSameAs(canary);
        assertThat(canary.state()).isEqualTo(BundleState.ACTIVE);
        assertThat(greeter.active()).isSameAs(v1);
        assertThat(host.mirrors).doesNotContainKey("greeter");
    }

    @Test
    void anUndeployEndsTheShadowWithTheVersionServing() throws Exception {
        deploy("1");
        BundleGeneration v1 = greeter.active();
        ShadowMirror shadow = shadowOf("2");
        greeter.startShadow(shadow, "started");

        ShadowMirror taken = greeter.undeploy(jar);

        assertThat(taken).as("taken out, for the caller to end").isSameAs(shadow);
        assertThat(greeter.shadow()).isNull();
        assertThat(host.mirrors).doesNotContainKey("greeter");
        assertThat(host.serving).doesNotContainKey("greeter");
        assertThat(events.events).as("its end waits for the caller").doesNotContain("shadowEnded 2");
        greeter.endShadow(taken, "undeployed", false);
        await().atMost(WITHIN).until(() -> shadow.shadow().state() == BundleState.UNLOADED
                && v1.state() == BundleState.UNLOADED);
        assertThat(events.events).contains("undeployed greeter", "shadowEnded 2");
        assertThat(events.events.indexOf("shadowEnded 2")).isGreaterThan(events.events.indexOf("undeployed greeter"));
    }

    /**
     * The end of an undeployed bundle's shadow waits up to 5 s for its copies: by then the
     * lifecycle is out of the deployer's map, so a deployment of the bundle from another jar
     * (greeter.jar renamed greeter-2.jar) starts a new lifecycle instead of serving on this one,
     * which the removal would drop (a version serving that no status shows and no shutdown drains).
     */
    @Test
    void anUndeployTakesTheBundleOutOfTheDeployersMapBeforeItsShadowEnds() throws Exception {
        Map<String, BundleLifecycle> lifecycles = new ConcurrentHashMap<>();
        List<Boolean> mappedWhileEnding = new CopyOnWriteArrayList<>();
        LifecycleListener probe = new LifecycleListener() {
            @Override
            public void shadowEnded(ShadowMirror mirror, boolean promoted, String message) {
                mappedWhileEnding.add(lifecycles.containsKey("greeter"));
            }
        };
        greeter = lifecycleAlsoTelling(probe);
        lifecycles.put("greeter", greeter);
        // the undeploy of a jar uses neither the loader nor the shadow commands
        JarCommands commands = new JarCommands(null, lifecycles, lifecycles::get, events, null);
        deploy("1");
        ShadowMirror shadow = shadowOf("2");
        greeter.startShadow(shadow, "started");

        commands.undeploy(jar);

        assertThat(mappedWhileEnding).as("whether the lifecycle was still in the map while its shadow ended")
                .containsExactly(false);
        assertThat(lifecycles).isEmpty();
        await().atMost(WITHIN).until(() -> shadow.shadow().state() == BundleState.UNLOADED);
    }

    @Test
    void shutdownTakesTheShadowOutWithTheOtherVersionsAndTellsNoEnd() throws Exception {
        deploy("1");
        BundleGeneration v1 = greeter.active();
        ShadowMirror shadow = shadowOf("2");
        greeter.startShadow(shadow, "started");

        List<BundleGeneration> stopping = greeter.stopServing();

        assertThat(stopping).containsExactlyInAnyOrder(v1, shadow.shadow());
        assertThat(shadow.shadow().state()).isEqualTo(BundleState.DRAINING);
        assertThat(greeter.shadow()).isNull();
        assertThat(host.mirrors).doesNotContainKey("greeter");
        assertThat(events.events).as("a shadow running at shutdown starts again after the restart")
                .doesNotContain("shadowEnded 2");
    }

    @Test
    void theShadowsCopyInHistoryIsNotDeletedWhileItRuns() throws Exception {
        deploy("1");
        ShadowMirror shadow = shadowOf("2");
        greeter.startShadow(shadow, "started");
        String file = shadow.shadow().descriptor().staged().getFileName().toString();
        deploy("2"); // the shadow's content served once: it is in the history now
        for (String version : List.of("3", "4", "5", "6")) {
            deploy(version);
        }

        assertThat(greeter.history().keeps(file)).as("its entry is pruned").isFalse();
        assertThat(host.deletedFromHistory).as("the file the shadow runs from is not deleted")
                .doesNotContain("greeter/" + file).contains("greeter/" + host.descriptor("greeter", "1").staged()
                        .getFileName());
    }
}
