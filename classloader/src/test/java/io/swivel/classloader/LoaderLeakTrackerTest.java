package io.swivel.classloader;

import static io.swivel.classloader.Bundles.invokeStatic;
import static io.swivel.classloader.Bundles.probeJar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.ref.Reference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoaderLeakTrackerTest {

    @TempDir
    Path tmp;

    /**
     * Opens a bundle, loads and runs a class, closes the loader and tracks it. Only the class
     * is returned; the caller decides whether to keep it.
     */
    private Class<?> useAndClose(LoaderLeakTracker tracker, String name) throws Throwable {
        BundleClassLoader loader = BundleClassLoader.open(name, probeJar(tmp, name.replace('@', '-')),
                LoaderLeakTrackerTest.class.getClassLoader(), tmp.resolve("work"));
        Class<?> probe = loader.loadClass("b.Probe");
        assertThat(invokeStatic(probe, "hello")).isEqualTo("hello from " + name);
        loader.close();
        tracker.track(name, loader);
        return probe;
    }

    @Test
    void aClosedLoaderWithoutReferencesIsCollected() throws Throwable {
        LoaderLeakTracker tracker = new LoaderLeakTracker();
        useAndClose(tracker, "free@1");

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return tracker.uncollected().isEmpty();
        });
    }

    @Test
    void aLoaderPinnedByOneOfItsClassesIsReportedUntilTheReferenceGoes() throws Throwable {
        LoaderLeakTracker tracker = new LoaderLeakTracker();
        AtomicReference<Class<?>> leak = new AtomicReference<>(useAndClose(tracker, "pinned@1"));
        useAndClose(tracker, "free@1");

        System.gc();
        assertThat(tracker.uncollected()).contains("pinned@1");
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return tracker.uncollected().equals(java.util.List.of("pinned@1"));
        });
        Reference.reachabilityFence(leak.get());

        leak.set(null);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return tracker.uncollected().isEmpty();
        });
    }

    @Test
    void trackingNeverHoldsALoaderStrongly() {
        LoaderLeakTracker tracker = new LoaderLeakTracker();
        ClassLoader loader = new ClassLoader(null) { };
        tracker.track("plain", loader);
        assertThat(tracker.uncollected()).containsExactly("plain");
        Reference.reachabilityFence(loader);
        loader = null;

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return tracker.uncollected().isEmpty();
        });
    }

    @Test
    void onlyLoadersClosedLongEnoughAgoAreSuspects() {
        LoaderLeakTracker tracker = new LoaderLeakTracker();
        ClassLoader loader = new ClassLoader(null) { };
        tracker.track("just closed", loader);
        assertThat(tracker.uncollected(Duration.ofMinutes(1))).as("closed a moment ago").isEmpty();
        assertThat(tracker.uncollected(Duration.ZERO)).containsExactly("just closed");
        await().atMost(Duration.ofSeconds(10)).until(() -> tracker.uncollected(Duration.ofMillis(200))
                .equals(java.util.List.of("just closed")));
        Reference.reachabilityFence(loader);
    }

    @Test
    void aSuspectIsALoaderThatSurvivesTheCollectionTheTrackerAsksFor() throws Throwable {
        LoaderLeakTracker tracker = new LoaderLeakTracker();
        AtomicReference<Class<?>> leak = new AtomicReference<>(useAndClose(tracker, "pinned@1"));
        useAndClose(tracker, "free@1");
        assertThat(tracker.uncollected()).as("no collection has run here").contains("free@1");

        // no System.gc() in this test: a young collection unloads no class, so only the full one
        // that suspects() asks for lets free@1 go (an idle server would otherwise call it a leak)
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> tracker.suspects(Duration.ZERO).equals(java.util.List.of("pinned@1")));
        assertThat(tracker.uncollected()).containsExactly("pinned@1");
        Reference.reachabilityFence(leak.get());
    }

    @Test
    void eachClosedLoaderCostsAtMostOneRequestedCollection() {
        AtomicLong now = new AtomicLong(1_000);
        AtomicInteger collections = new AtomicInteger();
        LoaderLeakTracker tracker = new LoaderLeakTracker(now::get, collections::incrementAndGet);
        ClassLoader leaked = new ClassLoader(null) { };
        tracker.track("leaked", leaked);
        Duration period = Duration.ofSeconds(60);

        assertThat(tracker.suspects(period)).as("closed a moment ago").isEmpty();
        assertThat(collections).as("nothing to test yet").hasValue(0);

        now.addAndGet(period.toNanos());
        assertThat(tracker.suspects(period)).as("it survived the collection asked for").containsExactly("leaked");
        assertThat(collections).hasValue(1);

        for (int minute = 0; minute < 10; minute++) {
            now.addAndGet(period.toNanos());
            assertThat(tracker.suspects(period)).containsExactly("leaked");
        }
        assertThat(collections).as("a loader that stays is not collected for again").hasValue(1);

        ClassLoader second = new ClassLoader(null) { };
        tracker.track("second", second);
        now.addAndGet(period.toNanos() - 1);
        assertThat(tracker.suspects(period)).as("not closed long enough").containsExactly("leaked");
        now.addAndGet(1);
        assertThat(tracker.suspects(period)).containsExactly("leaked", "second");
        assertThat(collections).as("one more, for the loader closed since").hasValue(2);

        ClassLoader third = new ClassLoader(null) { };
        tracker.track("third", third);
        now.addAndGet(period.toNanos());
        tracker.suspects(period);
        assertThat(collections).hasValue(3);
        Reference.reachabilityFence(leaked);
        Reference.reachabilityFence(second);
        Reference.reachabilityFence(third);
    }
}
