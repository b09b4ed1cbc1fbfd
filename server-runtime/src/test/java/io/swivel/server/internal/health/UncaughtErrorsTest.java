package io.swivel.server.internal.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A thread of the serve process that dies of a VirtualMachineError marks the server degraded; other deaths do not. */
@Timeout(30)
class UncaughtErrorsTest {

    private final ServerHealth health = ServerHealth.systemDefault();

    private void dieOf(Throwable error) throws InterruptedException {
        Thread thread = new Thread(() -> {
            if (error instanceof Error e) {
                throw e;
            }
            throw (RuntimeException) error;
        }, "swivel-test-dying");
        thread.setUncaughtExceptionHandler(new UncaughtErrors(health));
        thread.start();
        thread.join(Duration.ofSeconds(20).toMillis());
        assertThat(thread.isAlive()).isFalse();
    }

    @Test
    void anOutOfMemoryErrorThatEndsAThreadDegradesTheServer() throws InterruptedException {
        dieOf(new IllegalStateException("an ordinary bug"));
        assertThat(health.status().degraded()).as("a bug is logged, not a fault of the JVM").isFalse();

        dieOf(new OutOfMemoryError("Java heap space"));
        assertThat(health.status().degraded()).isTrue();
        assertThat(health.status().reason())
                .isEqualTo("OutOfMemoryError ended thread swivel-test-dying: Java heap space");
    }
}
