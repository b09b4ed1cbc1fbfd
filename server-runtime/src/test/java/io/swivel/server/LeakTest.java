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

    private static final long CLASS_SPACE_BOUND = 800L * 1024;
    private static final long CLASSES_BOUND = 2500;
    private static final long METASPACE_BOUND = 6000L * 1024;

    private static final Logger log = LoggerFactory.getLogger(LeakTest.class);
    private static final int CYCLES = 100;
    private static final int WARM_UP = 10;
    /** Extra classes each version loads, so that a kept version shows plainly in the counters. */
    private static final int BALLAST = 40;

    @TempDir
    Path root;

    @Test
    void hundredReplacementsLeaveEveryOldLoaderCollectedAndMetaspaceFlat() throws Exception {
        Path work = root.resolve("work");
        Path a = ProbeBundles.build(work, work.resolve("a.jar"), Options.healthy("a"), BALLAST);
        Path b = ProbeBundles.build(work, work.resolve("b.jar"), Options.healthy("b"), BALLAST);
        ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
        long classesAtWarmUp = 0;
        long metaspaceAtWarmUp = 0;
        long classSpaceAtWarmUp = 0;
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
                    classSpaceAtWarmUp = classSpaceUsed();
                }
            }
            awaitAllCollected(live);
            // Every loader is collected at this point, but twice in nine runs the JVM's counters
            // still showed about 32 versions' classes loaded (1,410 classes short in the unloaded
            // count) at the first look; they are read again, with a GC each time, until they are
            // within their bounds or 30 s have passed. A version really kept never gets there.
            long[] growth = new long[3];
            long classesBase = classesAtWarmUp;
            long metaspaceBase = metaspaceAtWarmUp;
            long classSpaceBase = classSpaceAtWarmUp;
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                growth[0] = classSpaceUsed() - classSpaceBase;
                growth[1] = classes.getLoadedClassCount() - classesBase;
                growth[2] = metaspaceUsed() - metaspaceBase;
                return growth[0] < CLASS_SPACE_BOUND && growth[1] < CLASSES_BOUND && growth[2] < METASPACE_BOUND;
            });
            long classSpaceGrowth = growth[0];
            long classGrowth = growth[1];
            long metaspaceGrowth = growth[2];
            log.info("after {} replacements: {} classes loaded since cycle {} (unloaded in total: {}), metaspace {} KiB, "
                    + "class space {} KiB since then", CYCLES, classGrowth, WARM_UP, classes.getUnloadedClassCount(),
                    metaspaceGrowth / 1024, classSpaceGrowth / 1024);
            // The exact proof is above: every closed loader was collected. These bounds back it with
            // the JVM's own counters. Each version loads 40 ballast classes so a kept version
            // shows plainly: calibrated with a probe that pins itself in a system property, the
            // 90 generations replaced since warm-up kept 4273 classes, 14175 KiB of metaspace and
            // 2371 KiB of class space. Without a leak, runs measured -50 to 800 classes (the count
            // lags class unloading, which G1 finishes after the loader itself is collected), 614
            // to 950 KiB of metaspace (the JIT's profiles and the JVM's lambda forms live there
            // too) and 9 to 11 KiB of class space, the steadiest of the three.
            assertThat(classSpaceGrowth).as("class space growth in bytes").isLessThan(CLASS_SPACE_BOUND);
            assertThat(classGrowth).as("classes loaded since warm-up").isLessThan(CLASSES_BOUND);
            assertThat(metaspaceGrowth).as("metaspace growth in bytes").isLessThan(METASPACE_BOUND);
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
        return poolUsed("Metaspace");
    }

    /** The part of metaspace that holds the classes themselves, not the JIT's profiles of them. */
    private static long classSpaceUsed() {
        return poolUsed("Compressed Class Space");
    }

    private static long poolUsed(String name) {
        System.gc();
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getName().equals(name))
                .mapToLong(pool -> pool.getUsage().getUsed())
                .sum();
    }
}
