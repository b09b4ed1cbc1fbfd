package io.swivel.server.deploy;

import io.swivel.server.bundle.BundleDescriptor;
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
        write(jar, DEPLOYED, "bundle: " + descriptor.name() + "\n"
                + "version: " + descriptor.version() + "\n"
                + "sha256: " + descriptor.sha256() + "\n"
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

    static void rolledBack(Path jar, String bundle, Rollback rollback, String jarSha256) throws IOException {
        write(jar, ROLLEDBACK, "rolled back by: " + rollback.by() + "\n"
                + "from: " + bundle + " " + rollback.fromVersion() + "\n"
                + "to: " + bundle + " " + rollback.toVersion() + "\n"
                + (rollback.reason() != null ? "reason: " + rollback.reason() + "\n" : "")
                + "time: " + rollback.at() + "\n"
                + "jar sha256: " + jarSha256 + "\n"
                + "this jar is not deployed again until its content changes\n");
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
        Path marker = jar.resolveSibling(jar.getFileName() + suffix);
        AtomicFiles.write(marker, content.getBytes(StandardCharsets.UTF_8));
        for (String other : ALL) {
            if (!other.equals(suffix)) {
                Files.deleteIfExists(jar.resolveSibling(jar.getFileName() + other));
            }
        }
    }
}
