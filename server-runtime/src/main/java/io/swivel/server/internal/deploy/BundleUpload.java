package io.swivel.server.internal.deploy;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives a bundle jar sent over the network and puts it into the deploy directory, so that the
 * watcher deploys it like a dropped jar (markers, probation, history). In three steps:
 * {@link #begin()} opens a new hidden {@code .upload-*.part} file in the deploy directory (which
 * the watcher ignores) and {@link Receiving#write} appends to it, hashing as it goes and refusing
 * what passes the size limit; {@link Receiving#verify} checks the SHA-256 the sender announced
 * and the rules every deployed jar meets, plus a {@code Swivel-Bundle} attribute (an upload has
 * no file name to take the bundle's name from); {@link #install} renames it over the jar the
 * bundle serves from (or {@code <bundle>.jar} for a new bundle) in one atomic step. A refused or
 * abandoned upload leaves the deploy directory as it was.
 *
 * <p>Not tied to HTTP: {@link #receive(InputStream, String)} does all three from a stream.
 */
public final class BundleUpload {

    private static final Logger log = LoggerFactory.getLogger(BundleUpload.class);
    /** The hidden file an upload is written to before it is complete and verified. */
    static final String PART_PREFIX = ".upload-";
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path deployDir;
    private final long maxBytes;
    private final Deployments deployments;

    /**
     * Creates the receiver of one deploy directory.
     *
     * @param deployDir the deploy directory
     * @param maxBytes the largest jar accepted
     * @param deployments what serves, to find the jar a bundle serves from and whether content serves
     */
    public BundleUpload(Path deployDir, long maxBytes, Deployments deployments) {
        this.deployDir = Objects.requireNonNull(deployDir, "deployDir");
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: > 0)");
        }
        this.maxBytes = maxBytes;
        this.deployments = Objects.requireNonNull(deployments, "deployments");
        sweepAbandoned();
    }

    /**
     * Deletes the hidden files of uploads a previous run did not finish (killed, or out of memory,
     * mid-upload): nothing else ever would, and each may be as large as the upload limit. A server
     * starts with no upload of its own in progress.
     */
    private void sweepAbandoned() {
        if (!Files.isDirectory(deployDir)) {
            return;
        }
        try (java.nio.file.DirectoryStream<Path> parts = Files.newDirectoryStream(deployDir, PART_PREFIX + "*.part")) {
            for (Path part : parts) {
                try {
                    Files.deleteIfExists(part);
                    log.info("deleted {}, the unfinished upload of an earlier run", part.getFileName());
                } catch (IOException e) {
                    log.warn("cannot delete {}, the unfinished upload of an earlier run: {}", part, e.toString(), e);
                }
            }
        } catch (IOException e) {
            log.warn("cannot look for unfinished uploads in {}: {}", deployDir, e.toString(), e);
        }
    }

    /** @return the largest jar accepted, in bytes */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * Checks an announced SHA-256 before any byte is received.
     *
     * @param sha256 the value the sender announced, or null
     * @return it in lower case
     * @throws IllegalArgumentException if it is missing or not 64 hex digits
     */
    public static String checkSha256(String sha256) {
        String normalized = sha256 == null ? "" : sha256.trim().toLowerCase(Locale.ROOT);
        if (!SHA256.matcher(normalized).matches()) {
            throw new IllegalArgumentException(sha256 == null ? "no SHA-256 announced"
                    : "the announced SHA-256 '" + sha256 + "' is not 64 hex digits");
        }
        return normalized;
    }

    /**
     * Starts receiving one jar.
     *
     * @return the upload in progress; close it when done (it deletes what was not installed)
     * @throws IOException if the temporary file cannot be created
     */
    public Receiving begin() throws IOException {
        Files.createDirectories(deployDir);
        return new Receiving(deployDir.resolve(PART_PREFIX + UUID.randomUUID() + ".part"));
    }

    /**
     * Receives, verifies and installs a jar from a stream, in one call, provided its manifest names
     * the bundle and version expected: {@link #install} targets the manifest's bundle, so a jar of
     * another bundle with the announced hash must not get there.
     *
     * @param in the jar's bytes (read to its end, not closed)
     * @param expectedSha256 the SHA-256 the sender announced
     * @param expectedBundle the bundle the jar must be
     * @param expectedVersion the version the jar must be
     * @return what was installed
     * @throws UploadException if it was refused (NOT_A_BUNDLE for another bundle or version); the
     *     deploy directory is unchanged
     * @throws IOException if it cannot be read or written
     */
    public Installed receive(InputStream in, String expectedSha256, String expectedBundle, String expectedVersion)
            throws UploadException, IOException {
        String expected = checkSha256(expectedSha256);
        try (Receiving receiving = begin()) {
            byte[] buffer = new byte[64 * 1024];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                receiving.write(ByteBuffer.wrap(buffer, 0, read));
            }
            Received received = receiving.verify(expected);
            if (!received.bundle().equals(expectedBundle) || !received.version().equals(expectedVersion)) {
                throw new UploadException(UploadException.Reason.NOT_A_BUNDLE, "the jar with sha256 " + expected
                        + " is " + received.bundle() + " " + received.version() + " by its manifest, not "
                        + expectedBundle + " " + expectedVersion + "; refused", null);
            }
            return install(received);
        }
    }

    /**
     * Who an uploaded jar is, by the rules every upload meets: a valid jar whose manifest names its
     * bundle ({@code Swivel-Bundle}), with an allowed name and version. The CLI reads a jar with
     * it before a cluster rollout, so it knows the bundle before any server does.
     *
     * @param file the jar
     * @param sha256 its content hash (the version when the manifest names none)
     * @param size its size, for messages
     * @return the jar as received
     * @throws UploadException NOT_A_BUNDLE, saying what to fix
     * @throws IOException if it cannot be read
     */
    public static Received identify(Path file, String sha256, long size) throws UploadException, IOException {
        Manifest manifest;
        try (JarFile jar = new JarFile(file.toFile())) {
            manifest = jar.getManifest();
        } catch (IOException e) {
            throw new UploadException(UploadException.Reason.NOT_A_BUNDLE, "the upload (" + size + " bytes) is not "
                    + "a valid jar: " + e.getMessage(), e);
        }
        String bundle = manifest == null ? null
                : BoundedText.of(manifest.getMainAttributes().getValue(BundleJars.BUNDLE), 256);
        if (bundle == null || bundle.isBlank()) {
            throw new UploadException(UploadException.Reason.NOT_A_BUNDLE, "the uploaded jar has no "
                    + BundleJars.BUNDLE + " attribute in its manifest; an upload must name its bundle (add "
                    + "'" + BundleJars.BUNDLE + ": NAME' to META-INF/MANIFEST.MF)", null);
        }
        BundleJars.Identity identity;
        try {
            identity = BundleJars.identify(file, bundle.trim() + ".jar", sha256);
        } catch (DeploymentException e) {
            throw new UploadException(UploadException.Reason.NOT_A_BUNDLE, "the upload is not a bundle: "
                    + e.getMessage(), e);
        }
        return new Received(file, identity.name(), identity.version(), sha256, size);
    }

    /**
     * A jar received and verified, in its hidden file, not yet installed.
     *
     * @param file the hidden file in the deploy directory
     * @param bundle its {@code Swivel-Bundle}
     * @param version its version
     * @param sha256 its content hash
     * @param size its size in bytes
     */
    public record Received(Path file, String bundle, String version, String sha256, long size) {
    }

    /**
     * What an upload did.
     *
     * @param bundle the bundle
     * @param version the version
     * @param sha256 the content hash
     * @param size the size in bytes
     * @param jar the jar's file name in the deploy directory
     * @param alreadyServing true if this content serves already: nothing was written
     */
    public record Installed(String bundle, String version, String sha256, long size, String jar,
                            boolean alreadyServing) {
    }

    /**
     * Moves a verified jar into the deploy directory, over the jar its bundle serves from (or as
     * {@code <bundle>.jar}), in one rename: the watcher sees the old content or the new.
     *
     * @param received what {@link Receiving#verify} answered
     * @return what was done
     * @throws UploadException ALREADY_HANDLED if that jar holds this content already and it does not
     *     serve; CONFLICT if a jar of that name belongs to another bundle
     * @throws IOException if it cannot be moved
     */
    public synchronized Installed install(Received received) throws UploadException, IOException {
        Optional<BundleView> view = deployments.status(received.bundle());
        String jarName = view.map(BundleView::jar).orElse(null);
        if (jarName == null) {
            jarName = received.bundle() + ".jar";
            if (Files.exists(deployDir.resolve(jarName))) {
                throw new UploadException(UploadException.Reason.CONFLICT, "the deploy directory holds " + jarName
                        + ", which is not the jar of bundle " + received.bundle() + " (it serves another bundle or "
                        + "never deployed); remove or rename it first", null);
            }
        }
        Path target = deployDir.resolve(jarName);
        BundleView.Version active = view.map(BundleView::active).orElse(null);
        if (active != null && active.sha256().equals(received.sha256())) {
            Files.deleteIfExists(received.file());
            return new Installed(received.bundle(), received.version(), received.sha256(), received.size(), jarName, true);
        }
        if (Files.exists(target) && sha256(target).equals(received.sha256())) {
            String why = view.map(v -> v.rolledBack() != null ? "it was rolled back (" + v.rolledBack().by() + ")"
                    : v.lastError() != null ? "it did not deploy: " + v.lastError() : "it does not serve").orElse("");
            throw new UploadException(UploadException.Reason.ALREADY_HANDLED, jarName + " holds this content ("
                    + received.bundle() + " " + received.version() + ", sha256 " + received.sha256() + ") already and "
                    + why + "; a jar is not deployed again until its content changes: send a new version, or use "
                    + "'swivel rollback " + received.bundle() + " --to " + received.version() + "' if it is in history", null);
        }
        AtomicFiles.moveInto(received.file(), target);
        log.info("upload of {} {} ({} bytes, sha256 {}) moved into the deploy directory as {}", received.bundle(),
                received.version(), received.size(), received.sha256(), jarName);
        return new Installed(received.bundle(), received.version(), received.sha256(), received.size(), jarName, false);
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** One upload in progress: its hidden file, its hash so far, its size so far. Not thread-safe. */
    public final class Receiving implements Closeable {

        private final Path file;
        private final FileChannel channel;
        private final MessageDigest digest = newDigest();
        private long size;

        private Receiving(Path file) throws IOException {
            this.file = file;
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }

        /** @return the bytes received so far */
        public long size() {
            return size;
        }

        /**
         * Appends bytes.
         *
         * @param bytes the next bytes, consumed
         * @throws UploadException TOO_LARGE past the limit (the caller should stop sending)
         * @throws IOException if they cannot be written
         */
        public void write(ByteBuffer bytes) throws UploadException, IOException {
            long next = size + bytes.remaining();
            if (next > maxBytes) {
                throw tooLarge(maxBytes, next);
            }
            ByteBuffer hashed = bytes.duplicate();
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            digest.update(hashed);
            size = next;
        }

        /**
         * Ends the upload and checks it: the announced hash, then the jar's manifest.
         *
         * @param expectedSha256 the SHA-256 the sender announced (see {@link #checkSha256})
         * @return the verified jar, ready for {@link #install}
         * @throws UploadException SHA256_MISMATCH or NOT_A_BUNDLE
         * @throws IOException if it cannot be written or read
         */
        public Received verify(String expectedSha256) throws UploadException, IOException {
            channel.force(true);
            channel.close();
            String sha256 = HexFormat.of().formatHex(digest.digest());
            if (!sha256.equals(expectedSha256)) {
                throw new UploadException(UploadException.Reason.SHA256_MISMATCH, "the " + size + " bytes received have "
                        + "sha256 " + sha256 + ", not the announced " + expectedSha256 + ": the jar was changed or cut "
                        + "on the way; send it again", null);
            }
            return identify(file, sha256, size);
        }

        /** Closes the file and deletes it, unless {@link #install} moved it into place already. Idempotent. */
        @Override
        public void close() {
            try {
                channel.close();
            } catch (IOException e) {
                log.warn("cannot close the upload file {}: {}", file, e.toString(), e);
            }
            try { // after install it is gone; verified but refused or given up, it goes now
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("cannot delete the abandoned upload {}: {}", file, e.toString(), e);
            }
        }
    }

    /**
     * The refusal of an upload past the limit.
     *
     * @param maxBytes the limit
     * @param size the size announced or reached
     * @return the exception
     */
    public static UploadException tooLarge(long maxBytes, long size) {
        return new UploadException(UploadException.Reason.TOO_LARGE, "the upload is larger than the limit of "
                + maxBytes + " bytes (" + size + " bytes " + "or more); raise --max-upload-size on the server", null);
    }
}
