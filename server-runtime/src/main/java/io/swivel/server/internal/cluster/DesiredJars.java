package io.swivel.server.internal.cluster;

import io.swivel.registry.InstanceInfo;
import io.swivel.server.config.Tls;
import io.swivel.server.internal.deploy.BundleUpload;
import io.swivel.server.internal.deploy.UploadException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import javax.net.ssl.HttpsURLConnection;

/**
 * Fetches the jar of a desired version and installs it into the deploy directory through
 * {@link BundleUpload} (the route an uploaded jar takes: a hidden part file, the size limit of
 * {@code --max-upload-size}, the SHA-256 the desired version names, the bundle checks, one atomic
 * rename), so the watcher deploys it as it would a dropped jar. Where from:
 * <ul>
 *   <li>no source: a peer that ZooKeeper lists serving that version, through its
 *       {@code GET /v1/bundles/{name}/jar} with the cluster's shared admin token (the only request
 *       that carries the token; redirects are not followed), trying each peer once;</li>
 *   <li>{@code file:} and {@code http(s):} URLs, without the token;</li>
 *   <li>{@code maven:GROUP:ARTIFACT:VERSION}: resolved by {@link MavenJars} in the configured repository.</li>
 * </ul>
 * Every transfer is bounded: 5 s to connect, 30 s for any one read, {@code --upload-timeout} for
 * the whole, and {@code --max-upload-size}. A jar whose manifest names another bundle or version
 * than the desired one is refused. HTTPS trusts what {@link PeerTrust} says. The peers sent the
 * token are those ZooKeeper lists, so the token is as safe as write access to the ensemble.
 *
 * <p>A failure is {@linkplain FetchException#permanent() permanent} unless trying again can help:
 * a connection refused or cut, a time-out, an HTTP 5xx, 404, 408 or 429, no peer serving yet. A
 * jar refused (too large, the wrong SHA-256, not a bundle, another bundle or version) is
 * permanent, and so are peers that all gave such a jar: a rebuilt jar under the same version is
 * not downloaded from every peer again and again.
 */
final class DesiredJars {

    private static final int CONNECT_MILLIS = 5_000;
    private static final int READ_MILLIS = 30_000;

    private final BundleUpload upload;
    private final String authorization;
    private final Duration transferTimeout;
    private final Supplier<Collection<? extends Collection<InstanceInfo>>> instances;
    private final Supplier<String> self;
    private final Tls tls;
    private final MavenJars maven;

    /**
     * @param upload installs into the deploy directory
     * @param authorization the {@code Authorization} header for peers (the shared token)
     * @param transferTimeout the longest one transfer may take
     * @param instances what ZooKeeper lists
     * @param self this server's instance id, to leave out
     * @param tls this server's TLS: peers speak HTTPS when its admin API does, trusted by {@link PeerTrust}
     * @param maven resolves Maven sources
     */
    DesiredJars(BundleUpload upload, String authorization, Duration transferTimeout,
                Supplier<Collection<? extends Collection<InstanceInfo>>> instances, Supplier<String> self,
                Tls tls, MavenJars maven) {
        this.upload = upload;
        this.authorization = authorization;
        this.transferTimeout = transferTimeout;
        this.instances = instances;
        this.self = self;
        this.tls = tls;
        this.maven = maven;
    }

    /**
     * A jar installed.
     *
     * @param installed what the deploy directory got
     * @param from where it came from, for the log
     */
    record Fetched(BundleUpload.Installed installed, String from) {
    }

    /** Why a jar could not be fetched; {@code permanent} when trying again cannot help. */
    static final class FetchException extends Exception {
        private final boolean permanent;

        FetchException(String message, boolean permanent, Throwable cause) {
            super(message, cause);
            this.permanent = permanent;
        }

        boolean permanent() {
            return permanent;
        }
    }

    /**
     * Fetches and installs a desired version's jar.
     *
     * @param desired the desired version
     * @return what was installed, and from where
     * @throws UploadException ALREADY_HANDLED or CONFLICT: the deploy directory refuses it
     * @throws FetchException if no source gave the right jar
     */
    Fetched fetch(DesiredVersion desired) throws UploadException, FetchException {
        String source = desired.source();
        if (source == null || source.isBlank()) {
            return fromPeers(desired);
        }
        String scheme = source.contains(":") ? source.substring(0, source.indexOf(':')).toLowerCase(Locale.ROOT) : "";
        try {
            return switch (scheme) {
                case "file" -> new Fetched(install(Files.newInputStream(Path.of(URI.create(source))), desired),
                        "file " + Path.of(URI.create(source)));
                case "http", "https" -> new Fetched(install(open(source, null, true), desired), source);
                case "maven" -> new Fetched(install(Files.newInputStream(maven.resolve(source)), desired),
                        "Maven " + source.substring(MavenJars.PREFIX.length()) + " in " + maven.repository());
                default -> throw new FetchException("the source '" + source + "' is not a file:, http(s): or maven: "
                        + "source", true, null);
            };
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw new FetchException("the source '" + source + "' is not a usable URL: " + e.getMessage(), true, e);
        } catch (UploadException e) {
            rethrowLocal(e);
            throw new FetchException("the jar from " + source + " was refused: " + e.getMessage(), true, e);
        } catch (IOException e) {
            throw new FetchException("cannot read " + source + ": " + e, !retryable(e), e);
        }
    }

    private Fetched fromPeers(DesiredVersion desired) throws UploadException, FetchException {
        List<String> peers = PeerChoice.peers(instances.get(), desired.bundle(), desired.version(), self.get(),
                java.util.concurrent.ThreadLocalRandom.current().nextInt());
        if (peers.isEmpty()) {
            throw new FetchException("no other server in ZooKeeper serves " + desired.bundle() + " "
                    + desired.version() + " with an admin address, and the desired version names no source", false, null);
        }
        List<String> failures = new ArrayList<>();
        boolean retryable = false;
        String scheme = tls.adminEnabled() ? "https" : "http";
        for (String peer : peers) {
            String url = scheme + "://" + peer + "/v1/bundles/" + desired.bundle() + "/jar";
            try {
                return new Fetched(install(open(url, authorization, false), desired),
                        "peer " + peer + " (GET " + url + ")");
            } catch (UploadException e) {
                rethrowLocal(e);
                // a peer's jar can be refused while the peer passes between versions (it lists a canary
                // or a standby of that version, or its registration lags its switch): tried again
                retryable = true;
                failures.add(peer + ": " + e.getMessage());
            } catch (IOException e) {
                retryable |= retryable(e);
                failures.add(peer + ": " + e.getMessage() + (e instanceof javax.net.ssl.SSLException
                        ? " (does --tls-cert or --tls-client-ca hold the authority that signed the peers' certificates?)"
                        : ""));
            }
        }
        throw new FetchException("no peer gave " + desired.bundle() + " " + desired.version() + " with sha256 "
                + desired.sha256() + ": " + String.join("; ", failures), !retryable, null);
    }

    /**
     * Whether trying again may get a jar: a transfer that failed on the way, a peer that is busy or
     * does not serve it yet; not a refusal such as HTTP 401 (another token) or 400.
     *
     * @param e why a transfer failed
     * @return false for HTTP 4xx other than 404, 408 and 429, and a malformed URL; true otherwise (a
     *     connection refused, reset or timed out, a TLS handshake, a file not there yet, HTTP 5xx)
     */
    static boolean retryable(IOException e) {
        if (e instanceof HttpStatus status) {
            int code = status.code;
            return code >= 500 || code == 404 || code == 408 || code == 429;
        }
        return !(e instanceof java.net.MalformedURLException);
    }

    /** A response other than 200. */
    static final class HttpStatus extends IOException {
        private static final long serialVersionUID = 1L;
        private final int code;

        HttpStatus(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    /** The deploy directory's own refusals are not the source's fault: the caller decides. */
    private static void rethrowLocal(UploadException e) throws UploadException {
        if (e.reason() == UploadException.Reason.ALREADY_HANDLED || e.reason() == UploadException.Reason.CONFLICT) {
            throw e;
        }
    }

    private BundleUpload.Installed install(InputStream stream, DesiredVersion desired) throws UploadException, IOException {
        try (InputStream in = new Deadline(stream, System.nanoTime() + transferTimeout.toNanos())) {
            return upload.receive(in, desired.sha256(), desired.bundle(), desired.version());
        }
    }

    private InputStream open(String url, String authorizationHeader, boolean followRedirects) throws IOException,
            UploadException {
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        if (connection instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(PeerTrust.of(tls));
        }
        connection.setConnectTimeout(CONNECT_MILLIS);
        connection.setReadTimeout(READ_MILLIS);
        connection.setInstanceFollowRedirects(followRedirects);
        if (authorizationHeader != null) {
            connection.setRequestProperty("Authorization", authorizationHeader);
        }
        int status = connection.getResponseCode();
        if (status != 200) {
            String body;
            try (InputStream error = connection.getErrorStream()) {
                body = error == null ? "" : new String(error.readNBytes(500), StandardCharsets.UTF_8);
            }
            connection.disconnect();
            throw new HttpStatus(status, "HTTP " + status + (body.isBlank() ? "" : ": " + body.strip()));
        }
        long length = connection.getContentLengthLong();
        if (length > upload.maxBytes()) {
            connection.disconnect();
            throw BundleUpload.tooLarge(upload.maxBytes(), length);
        }
        return connection.getInputStream();
    }

    /** Fails a read once the transfer has taken longer than its time. */
    private static final class Deadline extends FilterInputStream {
        private final long deadline;

        Deadline(InputStream in, long deadline) {
            super(in);
            this.deadline = deadline;
        }

        private void check() throws IOException {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("the transfer took longer than --upload-timeout; given up");
            }
        }

        @Override
        public int read() throws IOException {
            check();
            return super.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check();
            return super.read(b, off, len);
        }
    }
}
