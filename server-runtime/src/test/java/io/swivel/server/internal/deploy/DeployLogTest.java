package io.swivel.server.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.swivel.server.CapturedLogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The deploy path's lines in the log come from a listener, and a warning keeps its exception. */
class DeployLogTest {

    @RegisterExtension
    final CapturedLogs logs = new CapturedLogs();

    @Test
    void aShadowThatDoesNotStartAgainIsAWarningWithItsStack() {
        ShadowException why = new ShadowException(ShadowException.Reason.UNKNOWN_BUNDLE,
                "no bundle greeter serves here, so there is nothing to shadow; bundles: []", null);

        new DeployLog().shadowForgotten("greeter", "2.0.0", why);

        assertThat(logs.events(Deployer.class.getName(), "the shadow 2.0.0")).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).isEqualTo("greeter: the shadow 2.0.0 that ran before the restart "
                    + "does not start again: no bundle greeter serves here, so there is nothing to shadow; bundles: []");
            assertThat(event.getThrowableProxy()).isNotNull();
            assertThat(event.getThrowableProxy().getClassName()).isEqualTo(ShadowException.class.getName());
        });
    }
}
