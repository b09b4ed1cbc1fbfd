package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.server.probe.Probe;
import io.swivel.server.probe.ProbeBundles;
import io.swivel.server.probe.ProbeBundles.Options;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replacing a bundle that starts threads and fills thread-locals, again and again, leaves
 * nothing behind: every closed loader is collected and the classes loaded and metaspace stay
 * flat.
 */
@Timeout(300)
class LeakTest {

    private static final Logger log = LoggerFactory.getLogger(LeakTest.class);
    private static final int CYCLES = 100;
    private static final int WARM_UP = 10;

    @TempDir
    Path root;

    @Test
    void hundredReplacementsLeaveEveryOldLoaderCollectedAndMetaspaceFlat() throws Exception {
        Path work = root.resolve("work");
        Path a = ProbeBundles.build(work, work.resolve("a.jar"), Options.healthy("a"));
        Path b = ProbeBundles.build(work, work.resolve("b.jar"), Options.healthy("b"));
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        long classesAtWarmUp = 0;
        long metaspaceAtWarmUp = 0;
        try (LiveServer live = LiveServer.start(root, c -> c.drainTimeout = Duration.ofSeconds(5))) {
            Probe probe = live.proxy(Probe.class);
            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                String version = cycle % 2 == 1 ? "a" : "b";
                live.moveIn(cycle % 2 == 1 ? a : b, "probe.jar");
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                        .until(() -> probe.threadLocal().equals(version + ":65536"));
                if (cycle == WARM_UP) {
                    awaitAllCollected(live);
                    classesAtWarmUp = classes.getLoadedClassCount();
                    metaspaceAtWarmUp = metaspaceUsed();
                }
            }
            awaitAllCollected(live);
            long classGrowth = classes.getLoadedClassCount() - classesAtWarmUp;
            long metaspaceGrowth = metaspaceUsed() - metaspaceAtWarmUp;
            log.info("after {} replacements: {} classes loaded since cycle {} (unloaded in total: {}), metaspace {} KiB "
                    + "since then", CYCLES, classGrowth, WARM_UP, classes.getUnloadedClassCount(), metaspaceGrowth / 1024);
            // The exact proof is above: every closed loader was collected. These two bounds back it
            // with the JVM's own counters. Calibrated with a probe that pins itself in a system
            // property: the 90 generations replaced since warm-up then keep 673 classes and
            // 2397 KiB of metaspace. Without a leak, runs measured -4 to 341 classes and 258 to
            // 1097 KiB (the JVM's lambda forms, reflection and JIT, and other tests' threads when
            // sharing a JVM, which is why this test runs in a JVM of its own).
            assertThat(classGrowth).as("classes loaded since warm-up").isLessThan(500);
            assertThat(metaspaceGrowth).as("metaspace growth in bytes").isLessThan(2000L * 1024);
            assertThat(probe.ticks()).as("the last version's scheduler runs").isPositive();
        }
    }

    private static void awaitAllCollected(LiveServer live) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            System.gc();
            return live.server.leakTracker().uncollected().isEmpty();
        });
    }

    private static long metaspaceUsed() {
        System.gc();
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getName().equals("Metaspace"))
                .mapToLong(pool -> pool.getUsage().getUsed())
                .sum();
    }
}
