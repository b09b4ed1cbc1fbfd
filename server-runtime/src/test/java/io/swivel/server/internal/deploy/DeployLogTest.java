package io.swivel.server.internal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The deploy path's lines in the log come from a listener, and a warning keeps its exception. */
class DeployLogTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(Deployer.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
    }

    @Test
    void aShadowThatDoesNotStartAgainIsAWarningWithItsStack() {
        ShadowException why = new ShadowException(ShadowException.Reason.UNKNOWN_BUNDLE,
                "no bundle greeter serves here, so there is nothing to shadow; bundles: []", null);

        new DeployLog().shadowForgotten("greeter", "2.0.0", why);

        assertThat(appender.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getFormattedMessage()).isEqualTo("greeter: the shadow 2.0.0 that ran before the restart "
                    + "does not start again: no bundle greeter serves here, so there is nothing to shadow; bundles: []");
            assertThat(event.getThrowableProxy()).isNotNull();
            assertThat(event.getThrowableProxy().getClassName()).isEqualTo(ShadowException.class.getName());
        });
    }
}
