package io.swivel.server.internal.cluster;

import java.io.Closeable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.aether.ConfigurationProperties;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.repository.RepositoryPolicy;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.transfer.ChecksumFailureException;

/**
 * Resolves the {@code maven:GROUP:ARTIFACT:VERSION} source of a desired version against the
 * repository of {@code serve --maven-repository} (a {@code file:}, {@code http:} or {@code https:}
 * URL in the Maven layout: a team's Nexus or Artifactory, or a directory) with Maven Resolver, as
 * Maven resolves a dependency: releases and snapshots. The repository must serve a checksum
 * ({@code .sha1} or {@code .md5}) that matches, as Nexus and Artifactory do, or the jar is refused.
 * The coordinates come from ZooKeeper, so each part must be Maven's syntax ({@code [A-Za-z0-9_.-]+},
 * not starting with a dot, no {@code ..}) before anything is resolved: no part names a path outside
 * the repository or the cache. Resolved jars are kept in {@code <data-dir>/maven}, a cache; the
 * download into it is bounded in time (a request without data for the timeout fails), not in size:
 * {@code --max-upload-size} and the SHA-256 are checked when the jar is copied into the deploy
 * directory. The repository system starts at the first use and stops with {@link #close()}.
 */
final class MavenJars implements Closeable {

    /** The prefix of a Maven source. */
    static final String PREFIX = "maven:";
    private static final java.util.regex.Pattern PART = java.util.regex.Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]*");

    private final String repositoryUrl;
    private final Path localRepository;
    private final Duration timeout;
    private RepositorySystem system;

    /**
     * @param repositoryUrl the repository, or null/empty when none is configured
     * @param localRepository where resolved jars are kept
     * @param timeout connect and request timeout of a remote repository
     */
    MavenJars(String repositoryUrl, Path localRepository, Duration timeout) {
        this.repositoryUrl = repositoryUrl == null || repositoryUrl.isBlank() ? null : repositoryUrl.trim();
        this.localRepository = localRepository;
        this.timeout = timeout;
    }

    /**
     * Resolves a Maven source.
     *
     * @param source {@code maven:GROUP:ARTIFACT:VERSION} (or {@code maven:GROUP:ARTIFACT:EXTENSION:CLASSIFIER:VERSION})
     * @return the resolved jar, in the local cache
     * @throws DesiredJars.FetchException if it cannot be resolved; permanent when no repository is
     *     configured or the coordinates are malformed
     */
    synchronized Path resolve(String source) throws DesiredJars.FetchException {
        if (repositoryUrl == null) {
            throw new DesiredJars.FetchException("the source " + source + " names Maven coordinates, but this server "
                    + "has no repository to resolve them in: set --maven-repository (conf maven-repository)", true, null);
        }
        DefaultArtifact artifact;
        try {
            artifact = new DefaultArtifact(checkCoordinates(source.substring(PREFIX.length()).trim()));
        } catch (IllegalArgumentException e) {
            throw new DesiredJars.FetchException("the source " + source + " is not maven:GROUP:ARTIFACT:VERSION: "
                    + e.getMessage(), true, e);
        }
        if (system == null) {
            system = new RepositorySystemSupplier().get();
        }
        RemoteRepository repository = new RemoteRepository.Builder("swivel", "default", repositoryUrl)
                .setPolicy(new RepositoryPolicy(true, RepositoryPolicy.UPDATE_POLICY_ALWAYS, RepositoryPolicy.CHECKSUM_POLICY_FAIL))
                .build();
        try (RepositorySystemSession.CloseableSession session = new SessionBuilderSupplier(system).get()
                .withLocalRepositoryBaseDirectories(localRepository)
                .setConfigProperty(ConfigurationProperties.CONNECT_TIMEOUT, (int) timeout.toMillis())
                .setConfigProperty(ConfigurationProperties.REQUEST_TIMEOUT, (int) timeout.toMillis())
                .build()) {
            return system.resolveArtifact(session, new ArtifactRequest(artifact, List.of(repository), null))
                    .getArtifact().getPath();
        } catch (ArtifactResolutionException e) {
            boolean badChecksum = false;
            for (Throwable cause = e; cause != null && !badChecksum; cause = cause.getCause()) {
                badChecksum = cause instanceof ChecksumFailureException;
            }
            throw new DesiredJars.FetchException("cannot resolve " + artifact + " in " + repositoryUrl + ": "
                    + e.getMessage(), badChecksum, e);
        }
    }

    /**
     * Checks Maven coordinates read from ZooKeeper before they become paths.
     *
     * @param coordinates {@code GROUP:ARTIFACT[:EXTENSION[:CLASSIFIER]]:VERSION}
     * @return them, unchanged
     * @throws IllegalArgumentException naming the part that is not Maven's syntax
     */
    static String checkCoordinates(String coordinates) {
        String[] parts = coordinates.split(":", -1);
        if (parts.length < 3 || parts.length > 5) {
            throw new IllegalArgumentException("expected 3 to 5 parts separated by ':', got " + parts.length);
        }
        for (int i = 0; i < parts.length; i++) {
            boolean emptyClassifier = parts.length == 5 && i == 3 && parts[i].isEmpty();
            if (!emptyClassifier && (!PART.matcher(parts[i]).matches() || parts[i].contains(".."))) {
                throw new IllegalArgumentException("'" + parts[i] + "' is not a Maven coordinate (expected "
                        + "[A-Za-z0-9_.-]+, not starting with '.', without '..')");
            }
        }
        return coordinates;
    }

    /** @return where Maven sources resolve, for the log; null when none is configured */
    String repository() {
        return repositoryUrl;
    }

    /** Stops the repository system, if it started. */
    @Override
    public synchronized void close() {
        if (system != null) {
            system.shutdown();
            system = null;
        }
    }
}
