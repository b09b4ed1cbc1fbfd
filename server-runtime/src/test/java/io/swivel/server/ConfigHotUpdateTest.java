package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.server.probe.Probe;
import io.swivel.server.probe.ProbeBundles;
import io.swivel.server.probe.ProbeBundles.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Editing {@code <bundle>.properties} beside the jar while the bundle serves. */
@Timeout(120)
class ConfigHotUpdateTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);

    @TempDir
    Path root;

    @Test
    void aBundleWithAListenerGetsItsNewConfigurationInPlace() throws Exception {
        Path jar = ProbeBundles.build(root.resolve("work"), root.resolve("work/probe.jar"), Options.healthy("1"));
        try (LiveServer live = LiveServer.start(root, c -> { })) {
            Probe probe = live.proxy(Probe.class);
            live.moveIn(jar, "probe.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> probe.version().equals("1"));
            String generation = probe.generationId();
            assertThat(probe.config("greeting")).isNull();

            Files.writeString(live.deploy.resolve("probe.properties"), "greeting=hello\n");
            await().atMost(WITHIN).until(() -> "hello".equals(probe.config("greeting")));
            assertThat(probe.generationId()).as("no reload").isEqualTo(generation);

            Files.writeString(live.deploy.resolve("probe.properties"), "greeting=bonjour\n");
            await().atMost(WITHIN).until(() -> "bonjour".equals(probe.config("greeting")));
            Files.delete(live.deploy.resolve("probe.properties"));
            await().atMost(WITHIN).until(() -> probe.config("greeting") == null);
            assertThat(probe.generationId()).isEqualTo(generation);
            assertThat(live.status("probe").standby()).as("nothing was swapped").isNull();
        }
    }

    @Test
    void aBundleWithoutAListenerIsRestartedAsASwapWithoutLosingACall() throws Exception {
        Path jar = ProbeBundles.build(root.resolve("work"), root.resolve("work/probe.jar"),
                new Options("1", false, -1, false));
        try (LiveServer live = LiveServer.start(root, c -> { })) {
            Probe probe = live.proxy(Probe.class);
            live.moveIn(jar, "probe.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> probe.version().equals("1"));
            String generation = probe.generationId();

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong calls = new AtomicLong();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            CompletableFuture<Void> caller = CompletableFuture.runAsync(() -> {
                while (running.get() && calls.get() < 200_000 && System.nanoTime() < deadline) {
                    try {
                        probe.version();
                        calls.incrementAndGet();
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
            });
            try {
                await().atMost(WITHIN).until(() -> calls.get() > 20);
                Files.writeString(live.deploy.resolve("probe.properties"), "greeting=hi\n");
                await().atMost(WITHIN).until(() -> "hi".equals(probe.config("greeting")));
                long before = calls.get();
                await().atMost(WITHIN).until(() -> calls.get() > before + 20);
            } finally {
                running.set(false);
                caller.get(30, TimeUnit.SECONDS);
            }
            assertThat(failures).as("failed calls out of %d", calls.get()).isEmpty();
            assertThat(probe.generationId()).as("restarted").isNotEqualTo(generation);
            assertThat(probe.version()).isEqualTo("1");
            assertThat(live.status("probe").standby().version()).isEqualTo("1");
        }
    }
}
