package io.swivel.server.internal.deploy;

import io.swivel.server.internal.bundle.BundleDescriptor;
import io.swivel.server.internal.bundle.BundleGeneration;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The status files beside each jar in the deploy directory: {@code NAME.jar.deployed},
 * {@code NAME.jar.failed} and {@code NAME.jar.rolledback}. Writing one removes the others,
 * so exactly one exists once a jar has been handled. Written atomically through a temporary file
 * created new (see {@link AtomicFiles}); texts a bundle wrote are cut to a few KiB.
 */
final class Markers {

    static final String DEPLOYED = ".deployed";
    static final String FAILED = ".failed";
    static final String ROLLEDBACK = ".rolledback";
    static final String PENDING = ".pending";
    private static final List<String> ALL = List.of(DEPLOYED, FAILED, ROLLEDBACK, PENDING);
    private static final int MAX_CAUSES = 10;
    private static final int CAUSE_CHARS = 1024;
    private static final int STACK_CHARS = 16 * 1024;

    private Markers() {
    }

    static void deployed(Path jar, BundleDescriptor descriptor) throws IOException {
        deployed(jar, descriptor, null);
    }

    /**
     * The marker of a jar that serves; for a canary, the jar's version is the canary and a
     * {@code rollout:} line says its weight beside the stable version.
     */
    static void deployed(Path jar, BundleDescriptor descriptor, String rollout) throws IOException {
        write(jar, DEPLOYED, "bundle: " + descriptor.name() + "\n"
                + "version: " + descriptor.version() + "\n"
                + "sha256: " + descriptor.sha256() + "\n"
                + (rollout != null ? "rollout: " + rollout + "\n" : "")
                + "time: " + Instant.now() + "\n");
    }

    static void failed(Path jar, Throwable error, String servingInstead) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append("error: ").append(BoundedText.of(error.getMessage())).append('\n');
        int causes = 0;
        for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause();
                cause = cause.getCause()) {
            if (++causes > MAX_CAUSES) {
                text.append("cause: … (more causes left out)\n");
                break;
            }
            text.append("cause: ").append(BoundedText.of(cause.toString(), CAUSE_CHARS)).append('\n');
        }
        text.append("serving instead: ").append(servingInstead).append('\n');
        text.append("time: ").append(Instant.now()).append('\n');
        StringWriter stack = new StringWriter();
        error.printStackTrace(new PrintWriter(stack));
        // the trace repeats the messages, which a bundle may have made huge
        text.append("\n").append(BoundedText.of(stack.toString(), STACK_CHARS));
        write(jar, FAILED, text.toString());
    }

    /**
     * Beside a jar whose content does not serve because of a rollback: who rolled back, from
     * what to what, what serves now and what the jar holds (which may be a version that failed).
     */
    static void rolledBack(Path jar, String bundle, Rollback rollback, BundleGeneration serving,
                           BundleFacts.JarContent jarHolds) throws IOException {
        StringBuilder text = new StringBuilder()
                .append("rolled back by: ").append(rollback.by()).append('\n')
                .append("from: ").append(bundle).append(' ').append(rollback.fromVersion()).append('\n')
                .append("to: ").append(bundle).append(' ').append(rollback.toVersion()).append('\n');
        if (rollback.reason() != null) {
            text.append("reason: ").append(BoundedText.of(rollback.reason())).append('\n');
        }
        text.append("time: ").append(rollback.at()).append('\n')
                .append("serving: ").append(bundle).append(' ').append(serving.version())
                .append(" (sha256 ").append(serving.descriptor().sha256()).append(")\n");
        if (jarHolds != null) {
            text.append("jar holds: ").append(jarHolds.describe(bundle));
            if (jarHolds.failed()) {
                text.append(", which did not deploy: ").append(BoundedText.of(jarHolds.failure()));
            }
            text.append('\n');
            if (jarHolds.sha256() != null) {
                text.append("jar sha256: ").append(jarHolds.sha256()).append('\n');
            }
        }
        text.append("this jar is not deployed again until its content changes\n");
        write(jar, ROLLEDBACK, text.toString());
    }

    static void pending(Path jar, long size) throws IOException {
        write(jar, PENDING, "copy in progress: " + size + " bytes so far; waiting until it is complete\n"
                + "since: " + Instant.now() + "\n");
    }

    static void clear(Path jar) throws IOException {
        for (String suffix : ALL) {
            Files.deleteIfExists(jar.resolveSibling(jar.getFileName() + suffix));
        }
    }

    private static void write(Path jar, String suffix, String content) throws IOException {
        // the others go first: one who sees the new marker never sees an old one beside it
        for (String other : ALL) {
            if (!other.equals(suffix)) {
                Files.deleteIfExists(jar.resolveSibling(jar.getFileName() + other));
            }
        }
        Path marker = jar.resolveSibling(jar.getFileName() + suffix);
        AtomicFiles.write(marker, content.getBytes(StandardCharsets.UTF_8));
    }
}
