package io.swivel.server.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.BundleState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every transition of a version's state from every state: the legal ones move, every other one
 * is refused with an {@link IllegalStateException} naming the state found and the one expected,
 * and leaves the state as it was. Every state is reached.
 */
class GenerationTransitionsTest {

    @TempDir
    Path root;

    private record Transition(String name, Consumer<BundleGeneration> move, Set<BundleState> from, BundleState to) {
    }

    private static final List<Transition> TRANSITIONS = List.of(
            new Transition("activate", BundleGeneration::activate, EnumSet.of(BundleState.STARTING), BundleState.ACTIVE),
            new Transition("fail", BundleGeneration::fail, EnumSet.of(BundleState.STARTING, BundleState.ACTIVE),
                    BundleState.FAILED),
            new Transition("start draining", BundleGeneration::startDraining, EnumSet.of(BundleState.ACTIVE),
                    BundleState.DRAINING),
            new Transition("stand by", BundleGeneration::standBy, EnumSet.of(BundleState.DRAINING), BundleState.STANDBY),
            new Transition("reactivate", BundleGeneration::reactivate,
                    EnumSet.of(BundleState.DRAINING, BundleState.STANDBY), BundleState.ACTIVE),
            new Transition("stop", BundleGeneration::stop,
                    EnumSet.of(BundleState.DRAINING, BundleState.STANDBY, BundleState.FAILED), BundleState.STOPPED),
            new Transition("unload", BundleGeneration::unloaded, EnumSet.of(BundleState.STOPPED), BundleState.UNLOADED));

    /** A fresh version brought to {@code state} by legal transitions only. */
    private BundleGeneration in(BundleState state) throws Exception {
        FakeHost host = new FakeHost(Files.createTempDirectory(root, "host"));
        BundleGeneration generation = host.load(host.descriptor("greeter", "1"));
        switch (state) {
            case STARTING -> { }
            case ACTIVE -> generation.activate();
            case DRAINING -> {
                generation.activate();
                generation.startDraining();
            }
            case STANDBY -> {
                generation.activate();
                generation.startDraining();
                generation.standBy();
            }
            case FAILED -> generation.fail();
            case STOPPED -> {
                generation.fail();
                generation.stop();
            }
            case UNLOADED -> {
                generation.fail();
                generation.stop();
                generation.unloaded();
            }
        }
        assertThat(generation.state()).isEqualTo(state);
        return generation;
    }

    @Test
    void everyTransitionMovesFromTheStatesItExpectsAndIsRefusedFromEveryOther() throws Exception {
        Set<BundleState> reached = EnumSet.of(BundleState.STARTING);
        for (Transition transition : TRANSITIONS) {
            for (BundleState from : BundleState.values()) {
                BundleGeneration generation = in(from);
                if (transition.from().contains(from)) {
                    transition.move().accept(generation);
                    assertThat(generation.state()).as(transition.name() + " from " + from).isEqualTo(transition.to());
                    reached.add(transition.to());
                } else {
                    assertThatThrownBy(() -> transition.move().accept(generation))
                            .as(transition.name() + " from " + from)
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageStartingWith("greeter@1: cannot " + transition.name() + " from " + from
                                    + " (expected: ")
                            .hasMessageContaining(transition.from().iterator().next().name());
                    assertThat(generation.state()).isEqualTo(from);
                }
            }
        }
        assertThat(reached).containsExactlyInAnyOrder(BundleState.values());
    }

    @Test
    void aDrainCompletesWhenTheLastCallEndsAndAReactivatedVersionDrainsAgain() throws Exception {
        BundleGeneration generation = in(BundleState.ACTIVE);
        io.swivel.server.internal.bundle.InFlightCall call = message -> { };
        assertThat(generation.tryAcquire(call)).isTrue();
        var drained = generation.startDraining();
        assertThat(drained).isNotDone();
        assertThat(generation.tryAcquire(message -> { })).isFalse(); // a draining version takes no calls
        generation.release(call, false);
        assertThat(drained).isDone();

        generation.standBy();
        generation.reactivate();
        assertThat(generation.tryAcquire(call)).isTrue();
        var again = generation.startDraining();
        assertThat(again).isNotSameAs(drained).isNotDone();
        generation.release(call, false);
        assertThat(again).isDone();
        FakeHost.unload(generation, Duration.ZERO);
        assertThat(generation.state()).isEqualTo(BundleState.UNLOADED);
    }
}
