package io.swivel.server.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The shadow form of {@code Swivel-Rollout}: {@code shadow [PERCENT%] [threads N] [queue N]}. */
class ShadowManifestFormTest {

    @Test
    void readsThePercentThreadsAndQueueWithTheDefaultsForWhatIsLeftOut() {
        assertThat(ShadowCommands.Settings.fromManifest("shadow 10%")).isEqualTo(new ShadowCommands.Settings(10, 2, 100));
        assertThat(ShadowCommands.Settings.fromManifest("shadow")).isEqualTo(new ShadowCommands.Settings(10, 2, 100));
        assertThat(ShadowCommands.Settings.fromManifest(" Shadow 100 % threads 1 queue 500 "))
                .isEqualTo(new ShadowCommands.Settings(100, 1, 500));
        assertThat(ShadowCommands.Settings.fromManifest("shadow 5% queue 20")).isEqualTo(new ShadowCommands.Settings(5, 2, 20));
    }

    @Test
    void leavesOtherRolloutsToTheCanaryAndRefusesAShadowFormThatDoesNotRead() {
        assertThat(ShadowCommands.Settings.fromManifest("canary 5,25,100 every 1m")).isNull();
        assertThat(ShadowCommands.Settings.fromManifest(null)).isNull();
        assertThatThrownBy(() -> ShadowCommands.Settings.fromManifest("shadow ten percent"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: shadow [PERCENT%] [threads N] [queue N], e.g. shadow 10%");
        assertThatThrownBy(() -> ShadowCommands.Settings.fromManifest("shadow 0%")).hasMessageContaining("percent: 0");
        assertThatThrownBy(() -> ShadowCommands.Settings.fromManifest("shadow 10% threads 65"))
                .hasMessageContaining("threads: 65");
        assertThatThrownBy(() -> CanaryPlan.fromManifest("blue-green")).hasMessageContaining("or shadow [PERCENT%]");
    }
}
