package io.swivel.server.deploy;

import io.swivel.server.bundle.BundleDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Reads who a bundle jar is and stages a private copy of it for loading, so that a jar
 * replaced or deleted in the deploy directory never changes what a loaded version reads.
 */
final class BundleJars {

    /** Manifest attribute naming the bundle. */
    static final String BUNDLE = "Swivel-Bundle";
    /** Manifest attribute naming the version. */
    static final String VERSION = "Swivel-Version";
    /** Manifest attribute naming the activator class. */
    static final String ACTIVATOR = "Swivel-Activator";

    private static final Pattern VERSION_SUFFIX = Pattern.compile("^(.+?)-\\d[\\w.\\-]*$");
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private BundleJars() {
    }

    /**
     * Stages a deployed jar: hashes and copies it under {@code <data-dir>/history/<bundle>/},
     * then reads its manifest from the copy.
     *
     * @param source the jar in the deploy directory
     * @param historyDir {@code <data-dir>/history}
     * @return the descriptor
     * @throws DeploymentException if the jar cannot be read or is not a valid jar
     */
    static BundleDescriptor stage(Path source, Path historyDir) throws DeploymentException {
        String fileName = source.getFileName().toString();
        Path temp = null;
        try {
            Files.createDirectories(historyDir);
            temp = Files.createTempFile(historyDir, ".staging-", ".jar");
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(source), digest)) {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            }
            String sha256 = HexFormat.of().formatHex(digest.digest());
            Manifest manifest;
            try (JarFile jar = new JarFile(temp.toFile())) {
                manifest = jar.getManifest();
            } catch (IOException e) {
                throw new DeploymentException(fileName + " is not a valid jar (" + e.getMessage()
                        + "); replace it with a complete jar", e);
            }
            Attributes attributes = manifest != null ? manifest.getMainAttributes() : new Attributes();
            String name = attributes.getValue(BUNDLE);
            if (name == null || name.isBlank()) {
                String base = fileName.substring(0, fileName.length() - ".jar".length());
                Matcher matcher = VERSION_SUFFIX.matcher(base);
                name = matcher.matches() ? matcher.group(1) : base;
            }
            name = name.trim();
            if (!SAFE_NAME.matcher(name).matches()) {
                throw new DeploymentException(fileName + ": bundle name '" + name + "' is not allowed "
                        + "(letters, digits, '.', '_', '-'; at most 100); fix the " + BUNDLE + " attribute", null);
            }
            String version = attributes.getValue(VERSION);
            version = version == null || version.isBlank() ? sha256.substring(0, 12) : version.trim();
            if (!SAFE_NAME.matcher(version).matches()) {
                throw new DeploymentException(fileName + ": version '" + version + "' is not allowed "
                        + "(letters, digits, '.', '_', '-'); fix the " + VERSION + " attribute", null);
            }
            Path bundleHistory = historyDir.resolve(name);
            Files.createDirectories(bundleHistory);
            Path staged = bundleHistory.resolve(version + "-" + sha256.substring(0, 12) + ".jar");
            if (Files.exists(staged)) {
                Files.delete(temp);
            } else {
                moveAtomically(temp, staged);
            }
            temp = null;
            String activator = attributes.getValue(ACTIVATOR);
            return new BundleDescriptor(name, version, sha256, source, staged,
                    activator == null || activator.isBlank() ? null : activator.trim());
        } catch (IOException e) {
            throw new DeploymentException("cannot read " + fileName + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // a stray .staging file is ignored by everything; say so and go on
                    LoggerFactory.getLogger(BundleJars.class).warn("cannot delete {}: {}", temp, e.toString());
                }
            }
        }
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
