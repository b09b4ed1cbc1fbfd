package io.swivel.server.internal.deploy;

import io.swivel.server.config.CanaryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the lifecycle tests share: one bundle, {@code greeter}, on in-memory versions
 * ({@link FakeHost}), a fake clock, a recording listener, a real {@link Retirer} and a real
 * {@link Probation} that checks every 5 ms.
 */
abstract class InMemoryLifecycleTest {

    @TempDir
    Path root;

    FakeHost host;
    final FakeHost.FakeClock clock = new FakeHost.FakeClock();
    final FakeHost.Recorder events = new FakeHost.Recorder();
    Retirer retirer;
    Probation probation;
    BundleLifecycle greeter;
    Path jar;

    /**
     * Makes the host, the retirer, the probation and greeter's lifecycle.
     *
     * @param probationWindow how long a new version's probation lasts
     * @param historyLimit how many versions the history keeps
     * @param canaryPolicy how a canary is analysed
     */
    void startLifecycle(Duration probationWindow, int historyLimit, CanaryPolicy canaryPolicy) {
        host = new FakeHost(root);
        jar = root.resolve("greeter.jar");
        retirer = new Retirer(FakeHost::unload, Duration.ofSeconds(5), events);
        probation = new Probation(new Probation.Policy(probationWindow, 0.5, 10, Duration.ofSeconds(2),
                Duration.ofMillis(5)), clock);
        greeter = new BundleLifecycle("greeter", host, retirer, probation, events, clock, historyLimit, canaryPolicy);
    }

    @AfterEach
    void closeLifecycle() {
        if (probation != null) {
            probation.close();
            retirer.close();
        }
    }
}
