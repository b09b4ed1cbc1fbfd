package io.swivel.bench.proc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process whose output (stdout and stderr together) is copied line by line to a log
 * file and offered to listeners; the harness waits for lines such as a server's "ready".
 * {@link #close()} sends SIGTERM and waits, then kills.
 */
public final class ChildProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;
    private final List<String> lines = new ArrayList<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts a process.
     *
     * @param name what it is, for messages
     * @param command the command line
     * @param log where its output goes
     * @return the running process
     * @throws IOException if it cannot start
     */
    public static ChildProcess start(String name, List<String> command, Path log) throws IOException {
        return start(name, command, log, line -> { });
    }

    /**
     * Starts a process with a listener that hears every line from the first.
     *
     * @param name what it is, for messages
     * @param command the command line
     * @param log where its output goes
     * @param listener receives every line, on the output reader's thread
     * @return the running process
     * @throws IOException if it cannot start
     */
    public static ChildProcess start(String name, List<String> command, Path log, Consumer<String> listener)
            throws IOException {
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ChildProcess child = new ChildProcess(name, process, log);
        child.listeners.add(listener);
        Thread reader = new Thread(child::pump, name + "-output");
        reader.setDaemon(true);
        reader.start();
        return child;
    }

    private void pump() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                out.write(line);
                out.write('\n');
                out.flush();
                synchronized (lines) {
                    lines.add(line);
                }
                for (Consumer<String> listener : listeners) {
                    listener.accept(line);
                }
            }
            ended.complete(null);
        } catch (IOException | RuntimeException e) {
            ended.completeExceptionally(e);
        }
    }

    /**
     * Calls a listener with every line from now on.
     *
     * @param listener receives lines, on the output reader's thread
     */
    public void onLine(Consumer<String> listener) {
        listeners.add(listener);
    }

    /**
     * Waits for a line matching a pattern (lines already printed count).
     *
     * @param pattern what to find
     * @param timeout how long to wait
     * @return the match
     * @throws IllegalStateException if the process ends or the time runs out first, with the log's tail
     * @throws InterruptedException if interrupted
     */
    public Matcher awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
        CompletableFuture<Matcher> found = new CompletableFuture<>();
        Consumer<String> listener = line -> {
            Matcher matcher = pattern.matcher(line);
            if (matcher.find()) {
                found.complete(matcher);
            }
        };
        synchronized (lines) {
            for (String line : lines) {
                listener.accept(line);
            }
            listeners.add(listener);
        }
        ended.whenComplete((ok, error) -> found.completeExceptionally(
                new IllegalStateException(name + " ended before printing /" + pattern + "/; " + tail())));
        try {
            return found.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IllegalStateException ise ? ise : new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(name + " did not print /" + pattern + "/ within " + timeout.toSeconds()
                    + " s; " + tail(), e);
        } finally {
            listeners.remove(listener);
        }
    }

    /**
     * Waits for the process to exit by itself.
     *
     * @param timeout how long to wait
     * @return its exit value
     * @throws IllegalStateException if it is still running after the timeout
     * @throws InterruptedException if interrupted
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " still runs after " + timeout.toSeconds() + " s; " + tail());
        }
        try {
            ended.get(10, TimeUnit.SECONDS); // the output is fully read
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(name + ": its output could not be read to the end: " + e, e);
        }
        return process.exitValue();
    }

    /** @return the process id (for jcmd) */
    public long pid() {
        return process.pid();
    }

    /** @return the log file */
    public Path log() {
        return log;
    }

    /** @return the last lines of output, for error messages */
    public String tail() {
        synchronized (lines) {
            int from = Math.max(0, lines.size() - 15);
            return "last output of " + name + " (" + log + "):\n  " + String.join("\n  ", lines.subList(from, lines.size()));
        }
    }

    /** Stops the process: SIGTERM, up to 30 s to exit, then SIGKILL. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of the output
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /**
     * Reads a whole small file, for tokens and markers.
     *
     * @param file the file
     * @return its content, trimmed
     */
    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
