package io.swivel.classloader;

import static io.swivel.classloader.Bundles.compile;
import static io.swivel.classloader.Bundles.invokeStatic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.testing.JarBuilder;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Threads and thread-locals a closed bundle left behind are found, and its loader can go. */
class LeftoversTest {

    private static final String LEAKY = """
            package b;

            import java.util.concurrent.CountDownLatch;

            public final class Leaky {
                private static final ThreadLocal<Leaky> MINE = new ThreadLocal<>();
                private static volatile Thread stubborn;
                private static final CountDownLatch release = new CountDownLatch(1);

                private Leaky() {
                }

                /** A thread of its own that ends when interrupted. */
                public static String startPolite(String name) throws InterruptedException {
                    CountDownLatch started = new CountDownLatch(1);
                    Thread thread = new Thread(() -> {
                        started.countDown();
                        try {
                            new CountDownLatch(1).await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }, name);
                    thread.setDaemon(true);
                    thread.start();
                    started.await();
                    return thread.getName();
                }

                /** A thread of its own that ignores interrupts until stopStubborn. */
                public static String startStubborn(String name) throws InterruptedException {
                    CountDownLatch started = new CountDownLatch(1);
                    Thread thread = new Thread(() -> {
                        started.countDown();
                        while (release.getCount() > 0) {
                            try {
                                release.await();
                            } catch (InterruptedException ignored) {
                                // keeps waiting: that is the point of this thread
                            }
                        }
                    }, name);
                    stubborn = thread;
                    thread.setDaemon(true);
                    thread.start();
                    started.await();
                    return name;
                }

                public static String stopStubborn(String unused) throws InterruptedException {
                    Thread thread = stubborn;
                    stubborn = null;
                    release.countDown();
                    thread.join(10_000);
                    return String.valueOf(thread.isAlive());
                }

                /** Leaves a value of its own class on the calling thread. */
                public static String setThreadLocal(String unused) {
                    MINE.set(new Leaky());
                    return "set";
                }
            }
            """;

    @TempDir
    Path tmp;

    private final ExecutorService serverThread = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "server-thread");
        thread.setDaemon(true);
        return thread;
    });

    @AfterEach
    void stop() {
        serverThread.shutdownNow();
    }

    private BundleClassLoader openLeaky() throws Exception {
        Path classes = compile(tmp.resolve("classes"), Map.of("b.Leaky", LEAKY));
        Path jar = new JarBuilder().bundle("leaky", "1").addTree(classes).write(tmp.resolve("leaky.jar"));
        return BundleClassLoader.open("leaky@1", jar, LeftoversTest.class.getClassLoader(), tmp.resolve("work"));
    }

    /** Calls Leaky.method(arg) with the bundle's loader as the context loader, as the server does. */
    private static Object call(ClassLoader loader, String method, String arg) throws Throwable {
        Thread self = Thread.currentThread();
        ClassLoader previous = self.getContextClassLoader();
        self.setContextClassLoader(loader);
        try {
            return invokeStatic(loader.loadClass("b.Leaky"), method, arg);
        } finally {
            self.setContextClassLoader(previous);
        }
    }

    /** Runs bundle code on the server thread that sets a ThreadLocal, then closes the loader. */
    private WeakReference<BundleClassLoader> leaveThreadLocalOnServerThread() throws Exception {
        BundleClassLoader loader = openLeaky();
        CompletableFuture.supplyAsync(() -> {
            try {
                return call(loader, "setThreadLocal", "");
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }, serverThread).get(10, TimeUnit.SECONDS);
        loader.close();
        return new WeakReference<>(loader);
    }

    private static void awaitCollected(WeakReference<?> ref) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            System.gc();
            return ref.get() == null;
        });
    }

    @Test
    void aThreadThatEndsOnInterruptIsNamedInterruptedAndTheLoaderIsCollected() throws Throwable {
        BundleClassLoader loader = openLeaky();
        call(loader, "startPolite", "leaky-polite");
        loader.close();

        List<LeftoverThreads.Found> found = LeftoverThreads.interrupt(loader, Duration.ofSeconds(5));

        assertThat(found).containsExactly(new LeftoverThreads.Found("leaky-polite",
                "its context classloader is the bundle's", true));
        assertThat(found.get(0).describe()).isEqualTo("thread 'leaky-polite' (its context classloader is the "
                + "bundle's) was running at unload; interrupted, it ended");
        LoaderLeakTracker tracker = new LoaderLeakTracker();
        tracker.track("leaky@1", loader, List.of(found.get(0).describe()));
        assertThat(tracker.uncollected()).containsExactly("leaky@1 (" + found.get(0).describe() + ")");
        WeakReference<BundleClassLoader> ref = new WeakReference<>(loader);
        loader = null;
        awaitCollected(ref);
        assertThat(tracker.uncollected()).isEmpty();
    }

    @Test
    void aThreadThatIgnoresTheInterruptIsReportedStillRunning() throws Throwable {
        BundleClassLoader loader = openLeaky();
        call(loader, "startStubborn", "leaky-stubborn");
        try {
            List<LeftoverThreads.Found> found = LeftoverThreads.interrupt(loader, Duration.ofMillis(300));
            assertThat(found).containsExactly(new LeftoverThreads.Found("leaky-stubborn",
                    "its context classloader is the bundle's", false));
            assertThat(found.get(0).describe()).endsWith("interrupted, it is still running");
        } finally {
            assertThat(call(loader, "stopStubborn", "")).isEqualTo("false");
            loader.close();
        }
    }

    @Test
    void threadsOfOtherLoadersAreLeftAlone() throws Throwable {
        BundleClassLoader loader = openLeaky();
        loader.close();
        assertThat(LeftoverThreads.interrupt(loader, Duration.ofMillis(100))).isEmpty();
    }

    @Test
    void aThreadLocalValueLeftOnAServerThreadIsClearedThereAndTheLoaderIsCollected() throws Throwable {
        ThreadLocalSweeper sweeper = new ThreadLocalSweeper();
        assertThat(sweeper.available()).as(sweeper.whyUnavailable()).isTrue();
        WeakReference<BundleClassLoader> ref = leaveThreadLocalOnServerThread();

        // Control: the value on the server thread pins the loader (its class's static holds the key).
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        assertThat(ref.get()).as("pinned by the thread-local value").isNotNull();

        int cleared = CompletableFuture.supplyAsync(() -> sweeper.sweepCurrentThread(ref.get()), serverThread)
                .get(10, TimeUnit.SECONDS);
        assertThat(cleared).isEqualTo(1);
        awaitCollected(ref);
        assertThat(CompletableFuture.supplyAsync(() -> Thread.currentThread().getName(), serverThread)
                .get(10, TimeUnit.SECONDS)).as("the server thread lives on").isEqualTo("server-thread");
    }
}
