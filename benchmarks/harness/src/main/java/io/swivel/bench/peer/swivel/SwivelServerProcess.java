package io.swivel.bench.peer.swivel;

import io.swivel.bench.peer.Launcher;
import io.swivel.bench.proc.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code swivel serve} process (server-runtime's jar and lib, the main class
 * {@code ./swivel} runs) on ephemeral loopback ports, without ZooKeeper (no peer registers
 * anywhere), with the benchmark bundle in its deploy directory before it starts.
 */
public final class SwivelServerProcess implements AutoCloseable {

    /** The benchmark bundle's name (its manifest's {@code Swivel-Bundle}). */
    public static final String BUNDLE = "bench-users";
    /** The jar's file name in the deploy directory. */
    public static final String JAR = BUNDLE + ".jar";

    private static final Pattern READY = Pattern.compile("Swivel ready: rpc=([\\d.]+):(\\d+)(?: \\((?:mutual )?TLS\\))? admin=http://[\\d.]+:(\\d+)/");

    private final ChildProcess process;
    private final Path deployDir;
    private final Path dataDir;
    private final int rpcPort;
    private final int adminPort;

    private SwivelServerProcess(ChildProcess process, Path deployDir, Path dataDir, int rpcPort, int adminPort) {
        this.process = process;
        this.deployDir = deployDir;
        this.dataDir = dataDir;
        this.rpcPort = rpcPort;
        this.adminPort = adminPort;
    }

    /**
     * Starts a server under {@code <workDir>/<name>/} with the benchmark bundle deployed.
     *
     * @param launcher JVM flags, classpath, bundle and work directory
     * @param name names the server's directories and log
     * @param extraArgs further {@code serve} options
     * @return the running server, once it printed that it is ready
     * @throws IOException if it cannot start
     * @throws InterruptedException if interrupted
     */
    public static SwivelServerProcess start(Launcher launcher, String name, List<String> extraArgs)
            throws IOException, InterruptedException {
        return start(launcher, name, extraArgs, launcher.bundleJar());
    }

    /**
     * Starts a server with another bundle jar in its deploy directory.
     *
     * @param launcher how to start JVMs
     * @param name names its directory and log
     * @param extraArgs more {@code serve} options
     * @param bundle the jar deployed at start
     * @return the running server
     * @throws IOException if it cannot start
     * @throws InterruptedException if interrupted while waiting for it
     */
    public static SwivelServerProcess start(Launcher launcher, String name, List<String> extraArgs, Path bundle)
            throws IOException, InterruptedException {
        return start(launcher, name, extraArgs, bundle, List.of());
    }

    /**
     * Starts a server with another bundle jar and flags of this JVM only (a class-data archive,
     * a flight recording) after the common ones.
     *
     * @param launcher how to start JVMs
     * @param name names its directory and log
     * @param extraArgs more {@code serve} options
     * @param bundle the jar deployed at start
     * @param jvmFlags flags of this server's JVM only
     * @return the running server
     * @throws IOException if it cannot start
     * @throws InterruptedException if interrupted while waiting for it
     */
    public static SwivelServerProcess start(Launcher launcher, String name, List<String> extraArgs, Path bundle,
                                            List<String> jvmFlags) throws IOException, InterruptedException {
        Path root = launcher.workDir().resolve("servers").resolve(name);
        Path deploy = root.resolve("deploy");
        Path data = root.resolve("data");
        Files.createDirectories(deploy);
        Files.copy(bundle, deploy.resolve(JAR), StandardCopyOption.REPLACE_EXISTING);
        List<String> args = new ArrayList<>(List.of("serve", "--port", "0", "--admin-port", "0", "--bind", "127.0.0.1",
                "--zookeeper", "none", "--deploy-dir", deploy.toString(), "--data-dir", data.toString()));
        args.addAll(extraArgs);
        ChildProcess process = ChildProcess.start(name, launcher.java().command(
                concat(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"),
                        jvmFlags),
                launcher.swivelClasspath(),
                "io.swivel.server.cli.SwivelMain", args), launcher.workDir().resolve("logs").resolve(name + ".log"));
        try {
            Matcher ready = process.awaitLine(READY, Duration.ofSeconds(90));
            return new SwivelServerProcess(process, deploy, data, Integer.parseInt(ready.group(2)),
                    Integer.parseInt(ready.group(3)));
        } catch (InterruptedException | RuntimeException e) {
            process.close();
            throw e;
        }
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /**
     * Copies a jar into the deploy directory under an ignored (hidden) name, for a caller that
     * times the rename which deploys it ({@code Files.move} to {@code deployDir().resolve(fileName)}).
     *
     * @param jar the jar
     * @param fileName the name it is to be deployed under, such as {@code gen-1.jar}
     * @return the hidden copy
     * @throws IOException if the copy fails
     */
    public Path stage(Path jar, String fileName) throws IOException {
        Path temp = deployDir.resolve("." + fileName + ".tmp");
        Files.copy(jar, temp, StandardCopyOption.REPLACE_EXISTING);
        return temp;
    }

    /**
     * Replaces the bundle jar the careful way: written beside it under an ignored name, then
     * renamed over it in one step. Returns right after the rename.
     *
     * @param jar the new jar
     * @throws IOException if the copy or the rename fails
     */
    public void moveIn(Path jar) throws IOException {
        Path temp = stage(jar, JAR);
        Files.move(temp, deployDir.resolve(JAR), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** @return an admin API client with this server's token */
    public AdminApi admin() {
        return new AdminApi("127.0.0.1", adminPort, dataDir.resolve("admin.token"));
    }

    /** @return the process */
    public ChildProcess process() {
        return process;
    }

    /** @return the {@code swivel/1} port */
    public int rpcPort() {
        return rpcPort;
    }

    /** @return the deploy directory */
    public Path deployDir() {
        return deployDir;
    }

    @Override
    public void close() {
        process.close();
    }
}
