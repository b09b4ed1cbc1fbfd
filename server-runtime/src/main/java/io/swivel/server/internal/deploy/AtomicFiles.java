package io.swivel.server.internal.deploy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Writes files so that a reader sees the old content or the new, never half of one, and so
 * that nothing planted in the directory can redirect the write: the content goes to a
 * temporary file with an unpredictable name that is created new ({@code CREATE_NEW} fails on
 * any existing file, a symbolic link included, and never follows one), then is renamed into
 * place (a rename replaces a link at the target, it does not write through it).
 */
final class AtomicFiles {

    private AtomicFiles() {
    }

    /**
     * Writes a file atomically through a new temporary file beside it.
     *
     * @param target the file to write
     * @param content its new content
     * @throws IOException if it cannot be written; the old content is then untouched
     */
    static void write(Path target, byte[] content) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.write(content);
            }
            moveInto(temp, target);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    static void moveInto(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
