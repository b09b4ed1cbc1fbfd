package io.swivel.bundletest;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Waits for the server's verdict on one jar through the markers it writes beside it ({@code .deployed},
 * {@code .failed}, {@code .rolledback}): woken by a {@link WatchService}, looking again at least every 100 ms.
 * A {@code .deployed} counts when it names the jar's hash; a {@code .failed} or {@code .rolledback} when its text
 * differs from what it was before the copy (each one carries the time it was written).
 */
final class MarkerWatch implements AutoCloseable {

    private static final long LOOK_AGAIN_MILLIS = 100;

    private final Path jar;
    private final String sha256;
    private final WatchService watcher;
    private final String failedBefore;
    private final String rolledBackBefore;

    private MarkerWatch(Path jar, String sha256, WatchService watcher) throws IOException {
        this.jar = jar;
        this.sha256 = sha256;
        this.watcher = watcher;
        this.failedBefore = read(marker(".failed")).orElse("");
        this.rolledBackBefore = read(marker(".rolledback")).orElse("");
    }

    /** Starts watching before {@code jar} is moved into its directory. */
    static MarkerWatch before(Path jar, String sha256) throws IOException {
        WatchService watcher = jar.getFileSystem().newWatchService();
        try {
            jar.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            return new MarkerWatch(jar, sha256, watcher);
        } catch (IOException | RuntimeException e) {
            watcher.close();
            throw e;
        }
    }

    /** Returns once the jar serves; throws with the marker's text once it does not, or when the time is up. */
    DeployedBundle await(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<DeployedBundle> deployed = verdict();
            if (deployed.isPresent()) {
                return deployed.get();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new BundleDeployException(jar, jar.getFileName() + " was not deployed within " + timeout
                        + " (no " + jar.getFileName() + ".deployed naming sha256 " + sha256 + "); markers now: "
                        + describeMarkers());
            }
            WatchKey key;
            try {
                key = watcher.poll(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, LOOK_AGAIN_MILLIS),
                        TimeUnit.MILLISECONDS);
            } catch (ClosedWatchServiceException e) {
                throw new IllegalStateException("the marker watch closed while waiting for " + jar, e);
            }
            if (key != null) {
                key.pollEvents();
                key.reset();
            }
        }
    }

    private Optional<DeployedBundle> verdict() throws IOException {
        Optional<String> deployed = read(marker(".deployed"));
        if (deployed.isPresent() && field(deployed.get(), "sha256").filter(sha256::equals).isPresent()) {
            String text = deployed.get();
            return Optional.of(new DeployedBundle(field(text, "bundle").orElse("?"), field(text, "version").orElse("?"),
                    sha256, jar));
        }
        Optional<String> failed = read(marker(".failed"));
        if (failed.isPresent() && !failed.get().equals(failedBefore)) {
            throw new BundleDeployException(jar, jar.getFileName() + " failed to deploy; "
                    + jar.getFileName() + ".failed says:\n" + failed.get());
        }
        Optional<String> rolledBack = read(marker(".rolledback"));
        if (rolledBack.isPresent() && !rolledBack.get().equals(rolledBackBefore)) {
            throw new BundleDeployException(jar, jar.getFileName() + " was rolled back; "
                    + jar.getFileName() + ".rolledback says:\n" + rolledBack.get());
        }
        return Optional.empty();
    }

    private String describeMarkers() throws IOException {
        StringBuilder text = new StringBuilder();
        for (String suffix : new String[] {".deployed", ".failed", ".rolledback", ".pending"}) {
            Optional<String> content = read(marker(suffix));
            if (content.isPresent()) {
                text.append("\n").append(jar.getFileName()).append(suffix).append(":\n").append(content.get());
            }
        }
        return text.length() == 0 ? "none" : text.toString();
    }

    private Path marker(String suffix) {
        return jar.resolveSibling(jar.getFileName() + suffix);
    }

    private static Optional<String> field(String markerText, String name) {
        String prefix = name + ": ";
        return markerText.lines().filter(line -> line.startsWith(prefix))
                .map(line -> line.substring(prefix.length()).strip()).findFirst();
    }

    private static Optional<String> read(Path file) throws IOException {
        try {
            return Optional.of(Files.readString(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws IOException {
        watcher.close();
    }
}
