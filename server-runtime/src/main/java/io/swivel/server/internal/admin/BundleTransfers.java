package io.swivel.server.internal.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.ChannelHandlerContext;
import io.swivel.server.internal.deploy.BundleUpload;
import io.swivel.server.internal.deploy.UploadException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the jar routes of the admin API share across connections: {@code POST /v1/bundles} (an
 * upload, {@link BundleUpload}) and {@code GET /v1/bundles/{name}/jar} (the jar a bundle serves,
 * for a peer). Both stream: an upload goes to a file as it arrives, a download is read from its
 * file chunk by chunk, never whole in memory; the file work runs on a small executor of its own,
 * never on the event loop. At most {@code --admin-max-transfers} run at once; more are answered 503.
 * The handling of one connection is {@link TransferHandler}.
 */
final class BundleTransfers {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    /** The upload route. */
    static final String UPLOAD_PATH = "/v1/bundles";
    /** The header carrying the jar's hex SHA-256, both ways. */
    static final String SHA256_HEADER = "X-Swivel-Sha256";
    /** Bytes read from a jar per chunk of a download. */
    static final int CHUNK = 64 * 1024;

    /**
     * The jar a bundle serves from, as a peer downloads it.
     *
     * @param bundle the bundle
     * @param version its version
     * @param sha256 the content hash
     * @param file the private copy it was loaded from (under {@code <data-dir>/history})
     */
    record ServedJar(String bundle, String version, String sha256, Path file) {
    }

    final AdminToken token;
    final BundleUpload upload;
    final Function<String, Optional<ServedJar>> served;
    final ObjectMapper mapper;
    final Refusals refusals;
    final ExecutorService executor;
    final Duration uploadTimeout;
    private final int maxTransfers;
    private final Semaphore permits;

    BundleTransfers(AdminToken token, BundleUpload upload, Function<String, Optional<ServedJar>> served,
                    ObjectMapper mapper, Refusals refusals, ExecutorService executor, Duration uploadTimeout,
                    int maxTransfers) {
        this.maxTransfers = maxTransfers;
        this.permits = new Semaphore(maxTransfers);
        this.token = token;
        this.upload = upload;
        this.served = served;
        this.mapper = mapper;
        this.refusals = refusals;
        this.executor = executor;
        this.uploadTimeout = uploadTimeout;
    }

    /**
     * The answer to a transfer beyond the cap, counted as a refusal.
     *
     * @param what the transfer and its client, as the refusal's log line names it
     * @return a 503
     */
    AdminReply busy(String what) {
        String running = "as many uploads and downloads as --admin-max-transfers allows (" + maxTransfers
                + ") run already on this server";
        refusals.refused(Refusals.Cause.TRANSFERS, what + ": " + running + "; answered 503");
        return AdminReply.error(503, "UNAVAILABLE", running + "; retry when one is done", mapper);
    }

    /** Runs a step on the connection's event loop: now if this is it, else queued (dropped if the admin API stops). */
    static void onLoop(ChannelHandlerContext ctx, Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
            return;
        }
        try {
            ctx.executor().execute(task);
        } catch (RejectedExecutionException stopping) {
            log.debug("admin transfer step dropped: the admin API is stopping");
        }
    }

    static int localPort(ChannelHandlerContext ctx) {
        return ((InetSocketAddress) ctx.channel().localAddress()).getPort();
    }

    /** @return true if a transfer may start; then {@link #done()} must follow once */
    boolean tryStart() {
        return permits.tryAcquire();
    }

    void done() {
        permits.release();
    }

    /**
     * Whether a request path is the jar of a bundle.
     *
     * @param path the request path
     * @return the bundle name, or null
     */
    static String jarRouteBundle(String path) {
        String prefix = UPLOAD_PATH + "/";
        if (!path.startsWith(prefix) || !path.endsWith("/jar")) {
            return null;
        }
        String name = path.substring(prefix.length(), path.length() - "/jar".length());
        return name.isEmpty() || name.contains("/") ? null : name;
    }

    /**
     * Checks the credentials of a jar request as every admin route does: the bearer token, or the
     * page's cookie (with {@value AdminServer#CSRF_HEADER} for an upload).
     *
     * @return the refusal to answer, or null if allowed
     */
    AdminReply refusal(String authorization, List<String> cookies, String csrf, int adminPort, boolean changes) {
        if (token.matches(authorization)) {
            return null;
        }
        String cookieName = AdminToken.cookieName(adminPort);
        if (!token.matchesCookie(cookieName, cookies)) {
            return AdminReply.error(401, "UNAUTHORIZED", "missing or wrong bearer token; it is in <data-dir>/admin.token",
                    mapper).with("WWW-Authenticate", "Bearer realm=\"swivel\"");
        }
        if (changes && !"1".equals(csrf)) {
            return AdminReply.error(403, "FORBIDDEN", "an upload authorized by the " + cookieName
                    + " cookie must carry the header " + AdminServer.CSRF_HEADER + ": 1", mapper);
        }
        return null;
    }

    /** The answer to a refused upload: the reason's HTTP status and word, and the message. */
    AdminReply refused(UploadException e) {
        int status = switch (e.reason()) {
            case TOO_LARGE -> 413;
            case SHA256_MISMATCH, NOT_A_BUNDLE -> 422;
            case ALREADY_HANDLED, CONFLICT -> 409;
        };
        return AdminReply.error(status, e.reason().name(), e.getMessage(), mapper);
    }

    /** The answer to a completed upload: 202 when staged (the watcher deploys it next), 200 when it serves already. */
    AdminReply installed(BundleUpload.Installed installed) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", installed.alreadyServing() ? "ALREADY_SERVING" : "STAGED");
        body.put("bundle", installed.bundle());
        body.put("version", installed.version());
        body.put("sha256", installed.sha256());
        body.put("size", installed.size());
        body.put("jar", installed.jar());
        body.put("stagedAt", java.time.Instant.now().toString());
        body.put("message", installed.alreadyServing()
                ? installed.bundle() + " " + installed.version() + " serves already; nothing changed"
                : installed.bundle() + " " + installed.version() + " is in the deploy directory as " + installed.jar()
                        + "; the watcher deploys it now (follow it with GET " + UPLOAD_PATH + "/" + installed.bundle() + ")");
        return AdminReply.json(installed.alreadyServing() ? 200 : 202, body, mapper);
    }
}
