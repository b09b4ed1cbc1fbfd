package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
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
    /** Manifest attribute: {@code pool} (the default) or {@code direct}; see {@link BundleDescriptor#direct()}. */
    static final String DISPATCH = "Swivel-Dispatch";

    /** Manifest values are cut to this when read (a valid name or version has at most 100 characters). */
    private static final int MAX_VALUE_CHARS = 256;
    /** The activator class name is cut to this when read. */
    private static final int MAX_CLASS_NAME_CHARS = 1024;
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
            try (InputStream in = new DigestInputStream(Files.newInputStream(source), digest);
                 OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE,
                         StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS)) {
                in.transferTo(out);
            }
            String sha256 = HexFormat.of().formatHex(digest.digest());
            Identity identity = identify(temp, fileName, sha256);
            Path bundleHistory = historyDir.resolve(identity.name());
            Files.createDirectories(bundleHistory);
            Path staged = bundleHistory.resolve(identity.version() + "-" + sha256.substring(0, 12) + ".jar");
            if (Files.exists(staged)) {
                Files.delete(temp);
            } else {
                AtomicFiles.moveInto(temp, staged);
            }
            temp = null;
            return new BundleDescriptor(identity.name(), identity.version(), sha256, source, staged, identity.activator(), identity.direct());
        } catch (IOException e) {
            throw new DeploymentException(DeploymentException.Failure.BAD_JAR, "cannot read " + fileName + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // a stray .staging file is ignored by everything; say so and go on
                    LoggerFactory.getLogger(BundleJars.class).warn("cannot delete {}", temp, e);
                }
            }
        }
    }

    /**
     * Describes a copy kept in history, to load it again (a rollback).
     *
     * @param file the copy under {@code <data-dir>/history/<bundle>/}
     * @param source the jar in the deploy directory the bundle serves from
     * @return the descriptor, with its content hash computed afresh
     * @throws DeploymentException if the copy is missing or unreadable
     */
    static BundleDescriptor fromHistory(Path file, Path source) throws DeploymentException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            String sha256 = HexFormat.of().formatHex(digest.digest());
            Identity identity = identify(file, file.getFileName().toString(), sha256);
            return new BundleDescriptor(identity.name(), identity.version(), sha256, source, file, identity.activator(), identity.direct());
        } catch (IOException e) {
            throw new DeploymentException(DeploymentException.Failure.BAD_JAR, "cannot read the history copy " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * The {@value CanaryPlan#MANIFEST_ATTRIBUTE} of a staged jar: how it asks to be rolled out.
     *
     * @param staged the staged copy
     * @return a canary plan or shadow settings, or null if the jar asks for an ordinary swap
     * @throws DeploymentException if the attribute does not read
     */
    static RolloutAsked rollout(Path staged) throws DeploymentException {
        String value;
        try (JarFile jar = new JarFile(staged.toFile())) {
            Manifest manifest = jar.getManifest();
            value = manifest != null ? BoundedText.of(manifest.getMainAttributes().getValue(CanaryPlan.MANIFEST_ATTRIBUTE),
                    MAX_VALUE_CHARS) : null;
        } catch (IOException e) {
            throw new DeploymentException(DeploymentException.Failure.BAD_JAR, staged.getFileName() + " is not a valid jar ("
                    + e.getMessage() + ")", e);
        }
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            ShadowCommands.Settings shadow = ShadowCommands.Settings.fromManifest(value);
            return shadow != null ? new RolloutAsked(null, shadow) : new RolloutAsked(CanaryPlan.fromManifest(value), null);
        } catch (IllegalArgumentException e) {
            throw new DeploymentException(DeploymentException.Failure.BAD_JAR, e.getMessage(), e);
        }
    }

    /** What a jar's {@value CanaryPlan#MANIFEST_ATTRIBUTE} asks for: one of a canary or a shadow. */
    record RolloutAsked(CanaryPlan canary, ShadowCommands.Settings shadow) {
    }

    /** Who a jar says it is, as its manifest (or file name) names it. */
    record Identity(String name, String version, String activator, boolean direct) {
    }

    /**
     * Reads who a jar is, with the rules every deployed jar meets: it opens as a jar, and its
     * name, version and dispatch are allowed.
     *
     * @param jarFile the jar to read
     * @param fileName the name it is known by, for messages and a name from the file
     * @param sha256 its content hash, the version when the manifest names none
     * @return who it is
     * @throws DeploymentException BAD_JAR, saying what to fix
     * @throws IOException if it cannot be read
     */
    static Identity identify(Path jarFile, String fileName, String sha256) throws DeploymentException, IOException {
        Manifest manifest;
        try (JarFile jar = new JarFile(jarFile.toFile())) {
            manifest = jar.getManifest();
        } catch (IOException e) {
            throw new DeploymentException(DeploymentException.Failure.BAD_JAR, fileName + " is not a valid jar (" + e.getMessage()
                    + "); replace it with a complete jar", e);
        }
        Attributes attributes = manifest != null ? manifest.getMainAttributes() : new Attributes();
        String name = BoundedText.of(attributes.getValue(BUNDLE), MAX_VALUE_CHARS);
        if (name == null || name.isBlank()) {
            name = nameFromFile(fileName);
        }
        name = name.trim();
        if (!SAFE_NAME.matcher(name).matches()) {
            throw new DeploymentException(DeploymentException.Failure.BAD_JAR, fileName + ": bundle name '" + name + "' is not allowed "
                    + "(letters, digits, '.', '_', '-'; at most 100); fix the " + BUNDLE + " attribute", null);
        }
        String version = BoundedText.of(attributes.getValue(VERSION), MAX_VALUE_CHARS);
        version = version == null || version.isBlank() ? sha256.substring(0, 12) : version.trim();
        if (!SAFE_NAME.matcher(version).matches()) {
            throw new DeploymentException(DeploymentException.Failure.BAD_JAR, fileName + ": version '" + version + "' is not allowed "
                    + "(letters, digits, '.', '_', '-'); fix the " + VERSION + " attribute", null);
        }
        String activator = BoundedText.of(attributes.getValue(ACTIVATOR), MAX_CLASS_NAME_CHARS);
        String dispatch = BoundedText.of(attributes.getValue(DISPATCH), MAX_VALUE_CHARS);
        dispatch = dispatch == null || dispatch.isBlank() ? "pool" : dispatch.trim();
        if (!dispatch.equals("pool") && !dispatch.equals("direct")) {
            throw new DeploymentException(DeploymentException.Failure.BAD_JAR, fileName + ": " + DISPATCH + " '" + dispatch
                    + "' is not known (expected: pool or direct); fix the " + DISPATCH + " attribute", null);
        }
        return new Identity(name, version, activator == null || activator.isBlank() ? null : activator.trim(),
                dispatch.equals("direct"));
    }

    /**
     * Whether a file in the deploy directory is a bundle jar to handle: {@code *.jar}, not a
     * dotfile, not a partial copy.
     */
    static boolean isBundleJar(String file) {
        return file.endsWith(".jar") && !file.startsWith(".") && !file.endsWith(".tmp") && !file.endsWith(".part");
    }

    /**
     * The bundle name a jar gets from its file name: the name minus {@code .jar} and a
     * {@code -<version>} suffix.
     *
     * @param fileName a jar's file name
     * @return the bundle name
     */
    static String nameFromFile(String fileName) {
        String base = fileName.endsWith(".jar") ? fileName.substring(0, fileName.length() - ".jar".length()) : fileName;
        Matcher matcher = VERSION_SUFFIX.matcher(base);
        return matcher.matches() ? matcher.group(1) : base;
    }

}
