package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleDescriptor;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.logging.BundleMdc;
import io.swivel.server.internal.metrics.ServerMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@link Deployer}'s shadow commands: stage a version from a jar on this machine as the
 * shadow of a bundle that serves (loaded and started, never routed to a caller, given copies
 * of live calls by its {@link ShadowMirror}), stop it, promote it to canary or to active, and
 * report on it. One shadow per bundle; a new one replaces the one before. The shadow is a role
 * of the bundle's {@link BundleLifecycle} (its {@link ShadowRole}); this class stages, loads and
 * words the commands, and ends a shadow the lifecycle gave up outside its monitor. {@code state.json}
 * keeps the shadows running (their copy in history and their settings), and a restart starts
 * each one again beside its bundle once the start-up deployments are done, its counts at zero.
 */
final class ShadowCommands {

    /** How a shadow takes copies. */
    record Settings(int percent, int threads, int queue) {
        static final int DEFAULT_PERCENT = 10;
        static final int DEFAULT_THREADS = 2;
        static final int DEFAULT_QUEUE = 100;
        static final int MAX_THREADS = 64;
        static final int MAX_QUEUE = 100_000;
        private static final java.util.regex.Pattern MANIFEST_FORM = java.util.regex.Pattern.compile(
                "\\s*shadow(?:\\s+(\\d{1,3})\\s*%?)?(?:\\s+threads\\s+(\\d{1,3}))?(?:\\s+queue\\s+(\\d{1,6}))?\\s*",
                java.util.regex.Pattern.CASE_INSENSITIVE);

        /**
         * Reads {@code shadow [PERCENT%] [threads N] [queue N]}, the shadow form of
         * {@value CanaryPlan#MANIFEST_ATTRIBUTE}, for example {@code shadow 10%}.
         *
         * @return the settings, or null if the attribute does not ask for a shadow
         * @throws IllegalArgumentException if it asks for one in a form that does not read
         */
        static Settings fromManifest(String attribute) {
            if (attribute == null || !attribute.strip().toLowerCase(java.util.Locale.ROOT).startsWith("shadow")) {
                return null;
            }
            java.util.regex.Matcher form = MANIFEST_FORM.matcher(attribute);
            if (!form.matches()) {
                throw new IllegalArgumentException(CanaryPlan.MANIFEST_ATTRIBUTE + ": \"" + attribute
                        + "\" (expected: shadow [PERCENT%] [threads N] [queue N], e.g. shadow 10%)");
            }
            return new Settings(number(form.group(1), DEFAULT_PERCENT), number(form.group(2), DEFAULT_THREADS),
                    number(form.group(3), DEFAULT_QUEUE));
        }

        private static int number(String digits, int otherwise) {
            return digits == null ? otherwise : Integer.parseInt(digits);
        }

        Settings {
            if (percent < 1 || percent > 100) {
                throw new IllegalArgumentException("percent: " + percent + " (expected: 1..100)");
            }
            if (threads < 1 || threads > MAX_THREADS) {
                throw new IllegalArgumentException("threads: " + threads + " (expected: 1.." + MAX_THREADS + ")");
            }
            if (queue < 1 || queue > MAX_QUEUE) {
                throw new IllegalArgumentException("queue: " + queue + " (expected: 1.." + MAX_QUEUE + ")");
            }
        }
    }

    private final Map<String, BundleLifecycle> lifecycles;
    private final BundleLoader loader;
    private final Host host;
    private final Retirer retirer;
    private final ServerMetrics metrics;
    private final Clock clock;
    private final Supplier<List<String>> servingNames;
    private final LifecycleListener listener;
    private final Path historyDir;
    /** Guarded by this: the shadows {@code state.json} names, until {@link #restoreSaved} starts them again. */
    private final Map<String, SavedState.SavedShadow> saved = new LinkedHashMap<>();
    /** Guarded by this: once shutdown began, no shadow starts. */
    private boolean stopped;

    ShadowCommands(Map<String, BundleLifecycle> lifecycles, BundleLoader loader, Host host, Retirer retirer,
                   ServerMetrics metrics, Clock clock, Supplier<List<String>> servingNames, LifecycleListener listener,
                   Path historyDir) {
        this.listener = listener;
        this.historyDir = historyDir;
        this.lifecycles = lifecycles;
        this.loader = loader;
        this.host = host;
        this.retirer = retirer;
        this.metrics = metrics;
        this.clock = clock;
        this.servingNames = servingNames;
    }

    /** See {@link Deployer#shadow}. */
    synchronized String start(String bundle, Path source, Settings settings) throws ShadowException {
        BundleLifecycle lifecycle = serving(bundle);
        BundleGeneration active = lifecycle.active();
        if (stopped) {
            throw new ShadowException(ShadowException.Reason.START_FAILED, "the server is shutting down", null);
        }
        if (!Files.isRegularFile(source)) {
            throw new ShadowException(ShadowException.Reason.BAD_REQUEST, source + " is not a file on the server", null);
        }
        BundleDescriptor staged;
        try {
            staged = loader.stage(source);
        } catch (DeploymentException e) {
            throw new ShadowException(ShadowException.Reason.BAD_REQUEST, source.getFileName() + ": " + e.getMessage(), e);
        }
        if (!staged.name().equals(bundle)) {
            throw new ShadowException(ShadowException.Reason.BAD_REQUEST, source.getFileName() + " holds bundle "
                    + staged.name() + ", not " + bundle, null);
        }
        if (staged.sha256().equals(active.descriptor().sha256())) {
            throw new ShadowException(ShadowException.Reason.BAD_REQUEST, source.getFileName() + " holds " + bundle
                    + " " + active.version() + ", which serves already", null);
        }
        try (BundleMdc.Scope mdc = BundleMdc.open(staged.name(), staged.version())) {
            BundleGeneration generation;
            try {
                generation = host.load(staged);
            } catch (DeploymentException e) {
                throw new ShadowException(ShadowException.Reason.START_FAILED, bundle + " " + staged.version()
                        + " did not start as a shadow: " + e.getMessage(), e);
            }
            generation.activate(); // takes calls, from its mirror only: it is never routed
            ShadowMirror mirror = new ShadowMirror(generation, lifecycle::active, settings.percent(), settings.threads(),
                    settings.queue(), new ShadowReport(bundle, generation.version(), metrics, clock));
            String message = bundle + " shadow " + generation.version() + " beside " + active.version() + ": copies of "
                    + settings.percent() + "% of the calls to @Idempotent methods, on " + settings.threads()
                    + " threads with a queue of " + settings.queue();
            ShadowMirror before;
            try {
                before = lifecycle.startShadow(mirror, message); // tells the start, under the lifecycle's monitor
            } catch (IllegalStateException e) {
                mirror.stop();
                generation.startDraining();
                retirer.retire(generation, null);
                throw new ShadowException(ShadowException.Reason.UNKNOWN_BUNDLE, e.getMessage(), e);
            }
            String replaced = before != null
                    ? lifecycle.endShadow(before, "replaced by " + generation.version(), false) : null;
            return message + (replaced != null ? "; " + replaced : "");
        }
    }

    /**
     * See {@link Deployer#shadowStop}; {@code promoted} when its jar serves as a canary now. Under
     * this monitor (one shadow command at a time), not the bundle's: the wait for the copies
     * running holds no lifecycle monitor.
     */
    synchronized String stop(String bundle, boolean promoted) throws ShadowException {
        BundleLifecycle lifecycle = serving(bundle);
        ShadowMirror taken = lifecycle.takeShadow();
        if (taken == null) {
            throw noShadow(bundle, "stop");
        }
        return lifecycle.endShadow(taken, "stopped", promoted);
    }

    /** After a restart, before the start-up deployments: a shadow {@code state.json} names. */
    synchronized void remember(String bundle, SavedState.SavedShadow shadow) {
        saved.put(bundle, shadow);
    }

    /**
     * After the start-up deployments: each shadow that ran before the restart starts again from
     * its copy in history, with its settings and its counts at zero; one that cannot (its
     * bundle no longer serves, its copy is gone, it serves itself now) is said in the log and
     * forgotten.
     */
    synchronized void restoreSaved() {
        for (Map.Entry<String, SavedState.SavedShadow> entry : saved.entrySet()) {
            String bundle = entry.getKey();
            SavedState.SavedShadow shadow = entry.getValue();
            BundleLifecycle lifecycle = lifecycles.get(bundle);
            if (lifecycle != null && lifecycle.shadow() != null) {
                continue; // one was started since (a command): it replaced the saved one
            }
            Path dir = historyDir.resolve(bundle).normalize();
            Path copy = dir.resolve(shadow.file()).normalize();
            try {
                if (!dir.equals(copy.getParent())) {
                    throw new IllegalArgumentException("its copy " + shadow.file() + " is not a file of " + dir);
                }
                start(bundle, copy, new Settings(shadow.percent(), shadow.threads(), shadow.queue()));
            } catch (ShadowException | IllegalArgumentException e) {
                listener.shadowForgotten(bundle, shadow.version(), e);
            }
        }
        saved.clear();
    }

    /** The shadow of a bundle, or empty. */
    Optional<ShadowMirror> shadow(String bundle) {
        BundleLifecycle lifecycle = lifecycles.get(bundle);
        return Optional.ofNullable(lifecycle != null ? lifecycle.shadow() : null);
    }

    /** See {@link Deployer#shadowReport}. */
    Map<String, Object> report(String bundle) throws ShadowException {
        return view(mirror(bundle, "report on"));
    }

    static Map<String, Object> view(ShadowMirror mirror) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("version", mirror.shadow().version());
        view.put("sha256", mirror.shadow().descriptor().sha256());
        view.put("state", mirror.shadow().state().name());
        view.put("percent", mirror.percent());
        view.put("threads", mirror.threads());
        view.put("queue", mirror.queue());
        view.putAll(mirror.report().view());
        return view;
    }

    /** The shadow's staged jar, for its promotion; the shadow keeps running until the canary starts. */
    Path stagedJar(String bundle) throws ShadowException {
        return mirror(bundle, "promote").shadow().descriptor().staged();
    }

    /**
     * Shutdown, before the lifecycles stop serving (which takes their shadows out): no shadow
     * starts any more.
     */
    synchronized void stopStarting() {
        stopped = true;
    }

    /** @return the shadow of a bundle that serves */
    private ShadowMirror mirror(String bundle, String action) throws ShadowException {
        ShadowMirror mirror = serving(bundle).shadow();
        if (mirror == null) {
            throw noShadow(bundle, action);
        }
        return mirror;
    }

    private static ShadowException noShadow(String bundle, String action) {
        return new ShadowException(ShadowException.Reason.NO_SHADOW, "bundle " + bundle + " runs no shadow to "
                + action + "; start one with swivel shadow " + bundle + " JAR", null);
    }

    private BundleLifecycle serving(String bundle) throws ShadowException {
        BundleLifecycle lifecycle = lifecycles.get(bundle);
        if (lifecycle == null || lifecycle.active() == null) {
            throw new ShadowException(ShadowException.Reason.UNKNOWN_BUNDLE, "no bundle " + bundle
                    + " serves here, so there is nothing to shadow; bundles: " + servingNames.get(), null);
        }
        return lifecycle;
    }
}
