package io.swivel.systest.zk;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An external ZooKeeper ({@link ZooKeeperMain}) in a process of its own, started from the test
 * JVM's classpath; it can be killed and started again on the same port with the same data, and
 * told to expire every session. Its output goes to {@code target/systest-logs/<name>.log}.
 */
public final class ZooKeeperProcess implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("ZooKeeper ready: (\\S+):(\\d+)");
    private static final Pattern EXPIRED = Pattern.compile("expired (\\d+) session\\(s\\)");
    /** Short ticks make session expiry precise (ZooKeeper checks expiry once per tick). */
    private static final int TICK_MILLIS = 250;

    private final String name;
    private final Path dataDir;
    private final Path log;
    private int port;
    private Process process;
    private Writer commands;
    private Thread pump;
    private Thread reaper;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ZooKeeperProcess(String name, Path dataDir, Path log) {
        this.name = name;
        this.dataDir = dataDir;
        this.log = log;
    }

    /**
     * Starts a ZooKeeper process on any free loopback port.
     *
     * @param name its log file's name
     * @param dataDir where it keeps its data (reused by {@link #restart()})
     * @param log the file its output is appended to
     * @return the running ZooKeeper
     */
    public static ZooKeeperProcess start(String name, Path dataDir, Path log) throws IOException {
        ZooKeeperProcess zk = new ZooKeeperProcess(name, dataDir, log);
        zk.launch(0);
        return zk;
    }

    private void launch(int wantedPort) throws IOException {
        lines.clear();
        Process started = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:+UseSerialGC", "-Dzookeeper.admin.enableServer=false",
                "-cp", System.getProperty("java.class.path"), ZooKeeperMain.class.getName(),
                dataDir.toString(), String.valueOf(wantedPort), String.valueOf(TICK_MILLIS))
                .redirectErrorStream(true).start();
        process = started;
        reaper = new Thread(started::destroyForcibly, "reap-" + name);
        Runtime.getRuntime().addShutdownHook(reaper);
        commands = new OutputStreamWriter(started.getOutputStream(), StandardCharsets.UTF_8);
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        pump = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8));
                 Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                         StandardOpenOption.APPEND)) {
                for (String line; (line = in.readLine()) != null; ) {
                    out.write(line + "\n");
                    out.flush();
                    lines.add(line);
                    Matcher matcher = READY.matcher(line);
                    if (matcher.find()) {
                        ready.complete(Integer.parseInt(matcher.group(2)));
                    }
                }
                ready.completeExceptionally(new IllegalStateException(name + " ended before it was ready; see " + log));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        }, "output-" + name);
        pump.setDaemon(true);
        pump.start();
        try {
            port = ready.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            started.destroyForcibly();
            throw new IllegalStateException(name + " did not start: " + e + "; see " + log, e);
        }
    }

    /** @return {@code 127.0.0.1:PORT} */
    public String connectString() {
        return "127.0.0.1:" + port;
    }

    /**
     * Expires every session connected now, as ZooKeeper does when it stops hearing from a client.
     *
     * @return how many sessions were expired
     */
    public int expireAll() throws IOException, InterruptedException {
        commands.write("expire-all\n");
        commands.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() - deadline < 0) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null) {
                Matcher matcher = EXPIRED.matcher(line);
                if (matcher.find()) {
                    return Integer.parseInt(matcher.group(1));
                }
            }
        }
        throw new AssertionError(name + " did not confirm expire-all within 30 s; see " + log);
    }

    /** Kills the process (SIGKILL): every client loses its connection at once. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " did not die");
        }
        pump.join(10_000);
        removeReaper();
    }

    /** Starts it again on the same port with the same data. */
    public void restart() throws IOException {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " still runs; kill() it first");
        }
        launch(port);
    }

    /** @return the output so far */
    public List<String> output() {
        return List.copyOf(lines);
    }

    private void removeReaper() {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting
        }
    }

    /** Stops the process: closing stdin ends it; killed if it does not end in 10 s. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            commands.close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        pump.join(10_000);
        removeReaper();
    }

    /** @return how long ZooKeeper takes at most to notice an expired session beyond its timeout */
    public static Duration tick() {
        return Duration.ofMillis(TICK_MILLIS);
    }
}
