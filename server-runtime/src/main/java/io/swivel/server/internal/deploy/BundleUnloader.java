package io.swivel.server.internal.deploy;

import io.swivel.api.BundleActivator;
import io.swivel.classloader.BundleClassLoader;
import io.swivel.classloader.LoaderLeakTracker;
import io.swivel.server.internal.ContextLoader;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.LeftoverHunt;
import io.swivel.server.internal.bundle.ManagedBundleContext;
import io.swivel.server.internal.metrics.ServerMetrics;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link BundleLoader}'s way back: stops a generation that no longer serves, or what a
 * failed load built (activator {@code stop}, executors shut down, loader closed), hunts for what
 * it left behind and hands the loader to the leak tracker. Logs as {@link BundleLoader}.
 */
final class BundleUnloader {

    private static final Logger log = LoggerFactory.getLogger(BundleLoader.class);
    /** Between a loader's name and its number: {@code greeter@1.0.0#3}. */
    private static final String LOAD_MARK = BundleLoader.LOAD_MARK;

    private final LoaderLeakTracker leakTracker;
    private final ServerMetrics metrics;
    private final LeftoverHunt leftovers;

    BundleUnloader(LoaderLeakTracker leakTracker, ServerMetrics metrics, LeftoverHunt leftovers) {
        this.leakTracker = leakTracker;
        this.metrics = metrics;
        this.leftovers = leftovers;
    }

    /** See {@link BundleLoader#unload}; the caller opened the bundle's MDC scope. */
    List<String> unloadScoped(BundleGeneration generation, Duration grace) {
        String id = generation.name() + " " + generation.version();
        generation.stop();
        generation.executor().shutdown();
        try {
            if (!generation.executor().awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                generation.executor().shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            generation.executor().shutdownNow();
        }
        List<String> leftBehind = discard(id, generation.loader(), generation.context(), generation.activator());
        generation.unloaded();
        log.info("{} unloaded", id);
        return leftBehind;
    }

    /** Stops what a load built, or a generation retired; returns what it left behind, one line each. */
    List<String> discard(String id, BundleClassLoader loader, ManagedBundleContext context,
                        BundleActivator started) {
        if (started != null) {
            try (ContextLoader.Scope scope = ContextLoader.use(loader)) {
                started.stop(context);
            } catch (Exception e) {
                log.warn("{}: activator stop failed: {}", id, e.toString(), e);
            }
        }
        try {
            List<String> stuck = context.shutdownExecutors(Duration.ofSeconds(5));
            if (!stuck.isEmpty()) {
                log.warn("{}: executors still running after shutdown, the loader may stay in memory: {}", id, stuck);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            loader.close();
        } catch (IOException e) {
            log.warn("{}: cannot close the classloader: {}", id, e.toString(), e);
        }
        LeftoverHunt.Report found = leftovers.hunt(id, loader);
        String bundle = id.substring(0, id.indexOf(' '));
        if (!found.threads().isEmpty()) {
            metrics.bundleViolation(bundle, "thread_left", found.threads().size());
        }
        if (found.threadLocalsCleared() > 0) {
            metrics.bundleViolation(bundle, "thread_local_cleared", found.threadLocalsCleared());
        }
        leakTracker.track(closedName(id, loader), loader, found.reasons());
        List<String> leftBehind = new ArrayList<>(found.reasons());
        if (found.threadLocalsCleared() > 0) {
            leftBehind.add(found.threadLocalsCleared() + " ThreadLocal value(s) of its classes left on server threads"
                    + " (cleared)");
        }
        return leftBehind;
    }

    /** @return e.g. {@code greeter 1.0.0 #3, closed 23:41:02}: the third loader this server opened, and when it closed */
    private static String closedName(String id, BundleClassLoader loader) {
        String name = String.valueOf(loader.getName());
        int mark = name.lastIndexOf(LOAD_MARK);
        return id + (mark < 0 ? "" : " " + name.substring(mark)) + ", closed "
                + LocalTime.now().truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_LOCAL_TIME);
    }
}
