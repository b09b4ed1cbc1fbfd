package io.swivel.server.internal.cluster;

import io.swivel.registry.RegistryPaths;
import io.swivel.server.config.ServerConfig;
import io.swivel.server.internal.Threads;
import io.swivel.server.internal.announce.RunningServer;
import io.swivel.server.internal.announce.ServerListener;
import io.swivel.server.internal.deploy.BundleUpload;
import io.swivel.server.internal.deploy.BundleView;
import io.swivel.server.internal.deploy.Deployments;
import io.swivel.server.internal.deploy.EventLog;
import io.swivel.server.internal.deploy.RollbackException;
import io.swivel.server.internal.deploy.UploadException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve --follow-cluster}: watches {@code /swivel/desired} and converges this server to the
 * desired version of each bundle, when the server has started and whenever a desired version is
 * set or changed. A bundle that does not serve the desired content gets the desired jar
 * ({@link DesiredJars}: from a peer, a file or an HTTP(S) URL, or Maven coordinates) written into the deploy directory,
 * and the watcher deploys it as it would a dropped jar (markers, probation, history). A jar
 * deployed locally afterwards is left alone until the desired version changes again or the
 * server restarts (so a rollout can update one server at a time before it sets the desired version).
 *
 * <p>A desired version that fails here (does not start, fails probation, does not serve in time)
 * is logged, reported as a {@code converge_failed} event and not tried again until the desired
 * version is set again or the server restarts, and so is a jar refused where it came from (another
 * SHA-256 from every peer, too large, not the desired bundle and version); a jar that cannot be
 * fetched for a reason that may pass (see {@link DesiredJars#retryable}) is tried again with a
 * back-off from 1 s to 60 s. All the work runs on one thread of its own.
 */
final class ClusterFollower implements ServerListener {

    private static final Logger log = LoggerFactory.getLogger(ClusterFollower.class);
    private static final Duration TICK = Duration.ofMillis(250);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LAST_RETRY = Duration.ofSeconds(60);
    private static final Duration STOP_WAIT = Duration.ofSeconds(2);

    private final ServerConfig config;
    private final ZooKeeperUpdatingListener zookeeper;
    /** The admin API's {@code Authorization} value, presented to peers (the cluster shares one token). */
    private final String authorization;
    private final BundleUpload upload;
    private final EventLog events;
    private final Clock clock;
    private final ScheduledExecutorService executor =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("swivel-follow-cluster"));
    /** Follower thread only: the bundles whose desired version this server has not settled yet. */
    private final Map<String, Pending> pending = new HashMap<>();
    private volatile CuratorCache cache;
    private Deployments deployments;
    private DesiredJars jars;
    private DesiredVersions reader;
    private final MavenJars maven;

    /** One bundle being converged. Follower thread only. */
    private static final class Pending {
        final DesiredVersion desired;
        Convergence.Attempt attempt;
        Instant nextTry = Instant.MIN;
        Duration delay = FIRST_RETRY;
        boolean fetchFailureReported;

        Pending(DesiredVersion desired) {
            this.desired = desired;
        }
    }

    private ClusterFollower(ServerConfig config, Clock clock, ZooKeeperUpdatingListener zookeeper,
                            String authorization, BundleUpload upload, EventLog events) {
        this.config = config;
        this.clock = clock;
        this.zookeeper = zookeeper;
        this.authorization = authorization;
        this.upload = upload;
        this.events = events;
        this.maven = new MavenJars(config.announce().mavenRepository(), config.dataDir().resolve("maven"),
                Duration.ofSeconds(30));
    }

    /**
     * The follower a configuration asks for.
     *
     * @param config the server configuration
     * @param clock decides when a failed fetch is tried again and when a deployment is given up on
     * @param zookeeper the server's ZooKeeper listener, or null without ZooKeeper
     * @param authorization the admin API's {@code Authorization} value, presented to peers (the cluster shares one token)
     * @param upload what writes a jar into the deploy directory
     * @param events where convergence is reported
     * @return the follower, or empty when the server does not follow the cluster
     */
    static Optional<ClusterFollower> forConfig(ServerConfig config, Clock clock, ZooKeeperUpdatingListener zookeeper,
                                               String authorization, BundleUpload upload, EventLog events) {
        return zookeeper != null && config.announce().follows(config.zookeeper())
                ? Optional.of(new ClusterFollower(config, clock, zookeeper, authorization, upload, events))
                : Optional.empty();
    }

    @Override
    public void serverStarted(RunningServer server) {
        Registration registration = zookeeper.registration();
        deployments = server.deployments();
        reader = new DesiredVersions(registration.client());
        jars = new DesiredJars(upload, authorization, config.limits().uploadTimeout(),
                () -> registration.catalog().all().values(), registration::instanceId,
                config.tls(), maven);
        CuratorCache watching = CuratorCache.build(registration.client(), RegistryPaths.DESIRED);
        watching.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, node) -> onLoop(() -> changed(node)))
                .forDeletes(node -> onLoop(() -> deleted(node)))
                .build());
        cache = watching;
        watching.start();
        executor.scheduleWithFixedDelay(() -> guarded("the convergence tick", this::tick), TICK.toMillis(),
                TICK.toMillis(), TimeUnit.MILLISECONDS);
        log.info("following the cluster: converging to the desired versions under {} (--follow-cluster)",
                RegistryPaths.DESIRED);
    }

    @Override
    public void serverStopping(RunningServer server) {
        CuratorCache watching = cache;
        if (watching != null) {
            watching.close();
        }
        executor.shutdownNow();
        boolean stopped;
        try {
            stopped = executor.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = false;
        }
        if (stopped) {
            maven.close();
        } else { // closing would wait for the resolve that holds the thread; the thread is a daemon
            log.warn("the follower thread did not stop within {} ms (a fetch or Maven resolve runs); left behind, "
                    + "the Maven resolver not closed", STOP_WAIT.toMillis());
        }
    }

    private void onLoop(Runnable task) {
        try {
            executor.execute(() -> guarded("the desired version change", task));
        } catch (RejectedExecutionException stopping) {
            log.debug("desired version change ignored: the server is stopping");
        }
    }

    /**
     * Runs a task of the follower thread, logging what it throws: the executor would keep it in a
     * future nobody reads, and a periodic task that throws is never run again.
     */
    private static void guarded(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("{} failed (the follower keeps running): {}", what, e.toString(), e);
        } catch (Error e) { // logged, not rethrown: rethrown, it would stop the follower without a word
            log.error("{} failed with an error (the follower keeps running): {}", what, e.toString(), e);
        }
    }

    /** The bundle a node of the cache is the desired version of, or null for the base node and anything below. */
    private static String bundleOf(ChildData node) {
        ZKPaths.PathAndNode parts = ZKPaths.getPathAndNode(node.getPath());
        return parts.getPath().equals(RegistryPaths.DESIRED) ? parts.getNode() : null;
    }

    private void changed(ChildData node) {
        String bundle = bundleOf(node);
        if (bundle == null || node.getData() == null || node.getData().length == 0) {
            return;
        }
        DesiredVersion desired;
        try {
            desired = reader.parse(bundle, node.getData());
        } catch (IOException e) {
            log.warn("ignoring {}: {}", node.getPath(), e.getMessage(), e);
            return;
        }
        Pending was = pending.get(bundle);
        Pending next = new Pending(desired);
        if (was != null && was.attempt != null && was.desired.sha256().equals(desired.sha256())) {
            next.attempt = was.attempt; // set again while its jar is on its way: not fetched twice
        }
        pending.put(bundle, next);
        step(bundle, next);
    }

    private void deleted(ChildData node) {
        String bundle = bundleOf(node);
        if (bundle != null && pending.remove(bundle) != null) {
            log.info("{}: the cluster no longer names a desired version; this server keeps what it serves", bundle);
        }
    }

    private void tick() {
        for (String bundle : pending.keySet().toArray(String[]::new)) {
            try {
                step(bundle, pending.get(bundle));
            } catch (RuntimeException e) {
                log.warn("{}: cannot converge to the desired version (will try again)", bundle, e);
            }
        }
    }

    private void step(String bundle, Pending state) {
        DesiredVersion desired = state.desired;
        BundleView view = deployments.status(bundle).orElse(null);
        Instant now = clock.instant();
        Convergence.Decision decision = Convergence.decide(desired, view, state.attempt, now, attemptTimeout());
        switch (decision.step()) {
            case MATCHES -> {
                pending.remove(bundle);
                if (state.attempt != null) {
                    log.info("{}: converged to the desired version {}, fetched from {}", bundle, desired.version(),
                            state.attempt.from());
                    events.cluster("converged", bundle, desired.version(), "serves the cluster's desired version "
                            + desired.version() + ", fetched from " + state.attempt.from());
                } else {
                    log.info("{}: serves the desired version {} already", bundle, desired.version());
                }
            }
            case FAILED -> {
                pending.remove(bundle);
                log.warn("{}: the desired version {} failed on this server: {}; not tried again until the desired "
                        + "version is set again or the server restarts", bundle, desired.version(), decision.why());
                events.cluster("converge_failed", bundle, desired.version(), decision.why()
                        + "; not tried again until the desired version is set again or the server restarts");
            }
            case FETCH -> {
                if (!now.isBefore(state.nextTry)) {
                    fetch(bundle, state, decision.why(), now);
                }
            }
            case SETTLING, WAIT -> {
                // the watcher deploys it, or probation runs: the next tick looks again
            }
        }
    }

    private void fetch(String bundle, Pending state, String why, Instant now) {
        DesiredVersion desired = state.desired;
        log.info("{}: {} (sha256 {}, set by {}); fetching it from {}", bundle, why, desired.sha256(),
                desired.setBy(), desired.source() != null ? desired.source() : "a peer that serves it");
        if (state.delay.equals(FIRST_RETRY)) {
            events.cluster("converging", bundle, desired.version(), why);
        }
        try {
            DesiredJars.Fetched fetched = jars.fetch(desired);
            state.attempt = new Convergence.Attempt(desired.sha256(), now, fetched.from());
            log.info("{}: fetched {} {} ({} bytes, sha256 verified) from {}; {}", bundle, bundle, desired.version(),
                    fetched.installed().size(), fetched.from(), fetched.installed().alreadyServing()
                            ? "it serves already" : "written into the deploy directory as " + fetched.installed().jar());
        } catch (UploadException e) {
            if (e.reason() == UploadException.Reason.ALREADY_HANDLED) {
                fromHistory(bundle, state, now, e);
            } else {
                failed(bundle, state, e.getMessage(), e);
            }
        } catch (DesiredJars.FetchException e) {
            if (e.permanent()) {
                failed(bundle, state, e.getMessage(), e);
                return;
            }
            state.nextTry = now.plus(state.delay);
            log.warn("{}: cannot fetch {} {}: {}; trying again in {} s", bundle, bundle, desired.version(),
                    e.getMessage(), state.delay.toSeconds(), e);
            if (!state.fetchFailureReported) {
                state.fetchFailureReported = true;
                events.cluster("converge_failed", bundle, desired.version(), e.getMessage() + "; trying again");
            }
            state.delay = state.delay.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : state.delay.multipliedBy(2);
        }
    }

    /**
     * The deploy directory's jar holds the desired content already but does not serve it (it was
     * rolled back from, or failed before): return to it from history, where it is kept, once.
     */
    private void fromHistory(String bundle, Pending state, Instant now, UploadException refused) {
        DesiredVersion desired = state.desired;
        boolean kept = deployments.status(bundle).map(view -> view.history().stream()
                .anyMatch(entry -> entry.sha256().equals(desired.sha256()))).orElse(false);
        if (!kept) {
            failed(bundle, state, refused.getMessage(), refused);
            return;
        }
        state.attempt = new Convergence.Attempt(desired.sha256(), now, "this server's history");
        try {
            String done = deployments.rollback(bundle, desired.version(), "the cluster's desired version (--follow-cluster)",
                    "set by " + desired.setBy());
            log.info("{}: {} (the desired version, from this server's history)", bundle, done);
        } catch (RollbackException e) {
            failed(bundle, state, "cannot return to " + desired.version() + " from history: " + e.getMessage(), e);
        }
    }

    private void failed(String bundle, Pending state, String why, Exception cause) {
        pending.remove(bundle);
        log.warn("{}: cannot converge to the desired version {}: {}; not tried again until the desired version is set "
                + "again or the server restarts", bundle, state.desired.version(), why, cause);
        events.cluster("converge_failed", bundle, state.desired.version(), why
                + "; not tried again until the desired version is set again or the server restarts");
    }

    /** Long enough for the watcher to see the jar, the version to start and its probation to pass. */
    private Duration attemptTimeout() {
        return config.stepTimeout().multipliedBy(2).plus(config.probation()).plus(config.rescanInterval())
                .plus(Duration.ofSeconds(30));
    }
}
