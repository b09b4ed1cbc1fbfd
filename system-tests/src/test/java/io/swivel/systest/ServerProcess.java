package io.swivel.systest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swivel.server.cli.SwivelMain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code swivel serve} process on ephemeral loopback ports with its own deploy and data
 * directories: started from the test JVM's own classpath, ready once it prints its ready line,
 * its output (stdout and stderr) copied to {@code target/systest-logs/<name>.log}, stopped with
 * SIGTERM or killed with SIGKILL, and reachable over the admin API with its token.
 */
final class ServerProcess implements AutoCloseable {

    /** {@code Swivel ready: rpc=H:P admin=http://H:P/ deploy-dir=D zookeeper=Z}, as ServeCommand prints it. */
    static final Pattern READY = Pattern.compile(
            "Swivel ready: rpc=(\\S+):(\\d+) admin=http://(\\S+):(\\d+)/ deploy-dir=(\\S+) zookeeper=(\\S+)");
    /** The system property naming a server process, read by the test bundles to say who answered. */
    static final String NAME_PROPERTY = "swivel.systest.server";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final String name;
    private final Path deployDir;
    private final Path dataDir;
    private final Path log;
    private final Process process;
    private final Thread pump;
    private final Thread reaper;
    private final InetSocketAddress rpc;
    private final InetSocketAddress admin;
    private final String zookeeper;
    private final String readyLine;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServerProcess(String name, Path deployDir, Path dataDir, Path log, Process process, Thread pump,
                          Thread reaper, String readyLine) {
        this.name = name;
        this.deployDir = deployDir;
        this.dataDir = dataDir;
        this.log = log;
        this.process = process;
        this.pump = pump;
        this.reaper = reaper;
        this.readyLine = readyLine;
        Matcher ready = READY.matcher(readyLine);
        if (!ready.find()) {
            throw new IllegalStateException("not a ready line: " + readyLine);
        }
        this.rpc = new InetSocketAddress(ready.group(1), Integer.parseInt(ready.group(2)));
        this.admin = new InetSocketAddress(ready.group(3), Integer.parseInt(ready.group(4)));
        this.zookeeper = ready.group(6);
    }

    /**
     * Starts {@code swivel serve --port 0 --admin-port 0} under {@code root/<name>/} (deploy/ and
     * data/) and waits for its ready line.
     *
     * @param name names the process (its log file, and what its bundles answer)
     * @param root the test's directory
     * @param zookeeper {@code none} or {@code host:port}
     * @param extraArgs more {@code serve} options, e.g. {@code --probation 0s}
     * @return the ready server
     */
    static ServerProcess start(String name, Path root, String zookeeper, String... extraArgs) throws IOException {
        Path deployDir = root.resolve(name).resolve("deploy");
        Path dataDir = root.resolve(name).resolve("data");
        Files.createDirectories(deployDir);
        return start(name, deployDir, dataDir, zookeeper, List.of(extraArgs));
    }

    /**
     * Starts {@code swivel serve} over given directories and waits for its ready line.
     *
     * @param name names the process
     * @param deployDir its deploy directory
     * @param dataDir its data directory
     * @param zookeeper {@code none} or {@code host:port}
     * @param extraArgs more {@code serve} options
     * @return the ready server
     */
    static ServerProcess start(String name, Path deployDir, Path dataDir, String zookeeper, List<String> extraArgs)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx256m", "-XX:+UseSerialGC",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-XX:TieredStopAtLevel=1", "-D" + NAME_PROPERTY + "=" + name,
                "-Dswivel.home=" + System.getProperty("swivel.home", "."),
                "-cp", System.getProperty("java.class.path"), SwivelMain.class.getName(), "serve",
                "--port", "0", "--admin-port", "0", "--deploy-dir", deployDir.toString(),
                "--data-dir", dataDir.toString(), "--zookeeper", zookeeper));
        command.addAll(extraArgs);
        Path log = logFile(name);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reaper = new Thread(() -> process.destroyForcibly(), "reap-" + name);
        Runtime.getRuntime().addShutdownHook(reaper); // never leave a server behind if this JVM dies
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> copyOutput(process, log, ready), "output-" + name);
        pump.setDaemon(true);
        pump.start();
        try {
            String line = ready.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return new ServerProcess(name, deployDir, dataDir, log, process, pump, reaper, line);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while " + name + " started", e);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException(name + " printed no ready line within " + READY_TIMEOUT.toSeconds()
                    + " s (" + e + "); its output is in " + log + ":\n" + readQuietly(log), e);
        }
    }

    /** Copies the process output line by line to the log (flushed, for diagnosis) and spots the ready line. */
    private static void copyOutput(Process process, Path log, CompletableFuture<String> ready) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                     StandardOpenOption.APPEND)) {
            for (String line; (line = lines.readLine()) != null; ) {
                out.write(line);
                out.write('\n');
                out.flush();
                if (!ready.isDone() && READY.matcher(line).find()) {
                    ready.complete(line);
                }
            }
            ready.completeExceptionally(new IllegalStateException("the process ended (exit "
                    + process.waitFor() + ") before it was ready"));
        } catch (IOException e) {
            ready.completeExceptionally(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ready.completeExceptionally(e);
        }
    }

    static Path logFile(String name) throws IOException {
        Path dir = Path.of(System.getProperty("swivel.systest.logs", "target/systest-logs"));
        Files.createDirectories(dir);
        Path log = dir.resolve(name + ".log");
        Files.writeString(log, "");
        return log;
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** @return the name given at start */
    String name() {
        return name;
    }

    /** @return the {@code swivel/1} address from the ready line */
    InetSocketAddress rpc() {
        return rpc;
    }

    /** @return the admin address from the ready line */
    InetSocketAddress admin() {
        return admin;
    }

    /** @return what the ready line says about ZooKeeper */
    String zookeeper() {
        return zookeeper;
    }

    /** @return the ready line itself */
    String readyLine() {
        return readyLine;
    }

    /** @return the deploy directory */
    Path deployDir() {
        return deployDir;
    }

    /** @return the data directory */
    Path dataDir() {
        return dataDir;
    }

    /** @return the file holding the process's stdout and stderr */
    Path log() {
        return log;
    }

    /** @return the process id */
    long pid() {
        return process.pid();
    }

    /** @return true while the process runs */
    boolean isAlive() {
        return process.isAlive();
    }

    /** @return everything the process printed so far */
    String output() {
        return readQuietly(log);
    }

    /** @return the admin token, from {@code <data-dir>/admin.token} */
    String token() {
        try {
            return Files.readString(dataDir.resolve("admin.token")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Replaces or adds a jar the careful way: written beside it under a dot name, then renamed over it. */
    Path moveIn(Path source, String fileName) throws IOException {
        Path temp = deployDir.resolve("." + fileName + ".tmp");
        Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
        return Files.move(temp, deployDir.resolve(fileName), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** @return the marker file {@code <jar><suffix>} in the deploy directory */
    Path marker(String jar, String suffix) {
        return deployDir.resolve(jar + suffix);
    }

    /** @return the marker's text, or "" while it does not exist */
    String markerText(String jar, String suffix) {
        Path marker = marker(jar, suffix);
        try {
            return Files.readString(marker);
        } catch (java.nio.file.NoSuchFileException absent) {
            return "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An HTTP answer of the admin API. */
    record Reply(int status, String body) {

        private static final ObjectMapper JSON = new ObjectMapper();

        /** @return the body as JSON, once the status was checked to be 200 (the body is the message otherwise) */
        JsonNode json() {
            assertThat(status).as(body).isEqualTo(200);
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * One admin API request.
     *
     * @param method GET or POST
     * @param path e.g. {@code /v1/bundles}
     * @param authorization the {@code Authorization} header, or null for none
     * @param body the JSON body of a POST, or null
     * @return the answer
     */
    Reply request(String method, String path, String authorization, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + admin.getHostString() + ":"
                        + admin.getPort() + path)).timeout(Duration.ofSeconds(15))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " on " + name + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " " + path, e);
        }
    }

    /** GET with the admin token. */
    Reply get(String path) {
        return request("GET", path, "Bearer " + token(), null);
    }

    /** POST with the admin token. */
    Reply post(String path, String body) {
        return request("POST", path, "Bearer " + token(), body);
    }

    /** The result of one CLI run. */
    record Cli(int status, String out, String err) {
    }

    /** Runs the {@code swivel} CLI against this server (its HTTP client, in this JVM). */
    Cli cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--admin-port", String.valueOf(admin.getPort()), "--data-dir", dataDir.toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = SwivelMain.run(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
        return new Cli(status, out.toString(), err.toString());
    }

    /** Sends SIGTERM (not {@link Process#destroy()}, which would also close our end of its output). */
    void sigterm() {
        process.toHandle().destroy();
    }

    /** Sends SIGKILL: the process gets no chance to deregister or say goodbye. */
    void kill() {
        process.destroyForcibly();
    }

    /**
     * Waits for the process to end and its output to be copied.
     *
     * @param timeout how long
     * @return the exit value
     */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still runs " + timeout.toSeconds() + " s later; output in " + log);
        }
        pump.join(10_000);
        return process.exitValue();
    }

    /** Stops the process if it still runs (SIGTERM, then SIGKILL after 30 s). */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            sigterm();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        pump.join(10_000);
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting; the hook runs anyway
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", rpc " + rpc + ")";
    }
}
