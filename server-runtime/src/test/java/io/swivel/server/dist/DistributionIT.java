package io.swivel.server.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution as an operator uses it: {@code swivel-VERSION.tar.gz} unpacked with
 * {@code tar}, {@code bin/swivel serve} started from another directory (through a symlink, with
 * JAVA_HOME, SWIVEL_JAVA_OPTS and SWIVEL_* settings), a bundle dropped into its {@code deploy/},
 * called with {@code bin/swivel call}, and stopped with SIGTERM.
 */
@Timeout(180)
class DistributionIT {

    private static final Pattern READY = Pattern.compile(
            "Swivel ready: rpc=([\\d.]+):(\\d+) admin=http://[\\d.]+:(\\d+)/ deploy-dir=(\\S+) zookeeper=(\\S+)");
    private static final String GREETER = "io.swivel.samples.greeter.Greeter";

    @TempDir
    Path root;

    Path home;
    Path elsewhere;

    @BeforeEach
    void unpack() throws Exception {
        Path tarball = Path.of(System.getProperty("swivel.distribution", "target/swivel-0.1.0-SNAPSHOT.tar.gz"));
        assertThat(tarball).as("built by mvn package").isRegularFile();
        Path install = Files.createDirectories(root.resolve("opt"));
        Run untar = run(install, Map.of(), "tar", "xzf", tarball.toAbsolutePath().toString());
        assertThat(untar.status).as(untar.out).isZero();
        home = install.resolve("swivel-0.1.0-SNAPSHOT");
        elsewhere = Files.createDirectories(root.resolve("elsewhere"));
    }

    @Test
    void layoutIsWhatTheOperatorsGuideDescribes() throws IOException {
        assertThat(Files.isExecutable(home.resolve("bin/swivel"))).isTrue();
        assertThat(home.resolve("conf/swivel.conf")).isRegularFile();
        assertThat(home.resolve("conf/logback.xml")).isRegularFile();
        assertThat(home.resolve("lib/swivel-server-runtime-0.1.0-SNAPSHOT.jar")).isRegularFile();
        assertThat(home.resolve("samples/greeter-v1-0.1.0-SNAPSHOT.jar")).isRegularFile();
        assertThat(home.resolve("samples/greeter-v2-0.1.0-SNAPSHOT.jar")).as("the upgrade of the tour").isRegularFile();
        assertThat(home.resolve("samples/greeter-broken-0.1.0-SNAPSHOT.jar")).as("the failed deploy of the tour")
                .isRegularFile();
        try (var deploy = Files.list(home.resolve("deploy"))) {
            assertThat(deploy).as("deploy/ is empty").isEmpty();
        }
        try (var libs = Files.list(home.resolve("lib"))) {
            List<String> names = libs.map(p -> p.getFileName().toString()).toList();
            assertThat(names).anyMatch(n -> n.startsWith("netty-transport-"))
                    .anyMatch(n -> n.startsWith("kryo-")).anyMatch(n -> n.startsWith("curator-x-discovery-"))
                    .anyMatch(n -> n.startsWith("logback-classic-"))
                    .noneMatch(n -> n.startsWith("junit") || n.startsWith("assertj") || n.startsWith("greeter-")
                            || n.startsWith("swivel-client") || n.startsWith("swivel-testing"));
        }
    }

    @Test
    void servesFromAnyDirectoryAndStopsCleanlyOnSigterm() throws Exception {
        Path link = Files.createSymbolicLink(root.resolve("swivel"), home.resolve("bin/swivel"));
        Map<String, String> env = Map.of(
                "JAVA_HOME", System.getProperty("java.home"),
                "SWIVEL_JAVA_OPTS", "-Xmx200m -XX:+PrintCommandLineFlags",
                "SWIVEL_DRAIN_TIMEOUT", "5s");
        ProcessBuilder builder = new ProcessBuilder(link.toString(), "serve", "--port", "0", "--admin-port", "0",
                "--zookeeper", "embedded", "--embedded-zk-port", "0")
                .directory(elsewhere.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(key -> key.startsWith("SWIVEL_"));
        builder.environment().putAll(env);
        Process server = builder.start();
        Output output = Output.follow(server);
        try {
            Matcher ready = output.ready.get(90, TimeUnit.SECONDS);
            int rpcPort = Integer.parseInt(ready.group(2));
            int adminPort = Integer.parseInt(ready.group(3));
            String zookeeper = ready.group(5);
            assertThat(rpcPort).isPositive();
            assertThat(Path.of(ready.group(4))).as("deploy-dir of conf/swivel.conf, inside home")
                    .isEqualTo(home.resolve("deploy").toRealPath());
            assertThat(output.text()).as("SWIVEL_JAVA_OPTS reached the JVM").contains("-XX:MaxHeapSize=209715200")
                    .contains("Swivel settings: " + home.toRealPath().resolve("conf/swivel.conf")
                            + ", environment SWIVEL_DRAIN_TIMEOUT, then command-line flags");
            assertThat(elsewhere.resolve("data")).as("nothing written to the working directory").doesNotExist();
            Path token = home.resolve("data/admin.token");
            assertThat(Files.getPosixFilePermissions(token))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

            Path jar = Path.of(System.getProperty("swivel.test.bundles"), "greeter-v1.jar");
            Path deploy = home.resolve("deploy");
            Files.copy(jar, deploy.resolve(".greeter.jar.tmp"));
            Files.move(deploy.resolve(".greeter.jar.tmp"), deploy.resolve("greeter.jar"), StandardCopyOption.ATOMIC_MOVE);
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(deploy.resolve("greeter.jar.deployed")));
            assertThat(Files.readString(deploy.resolve("greeter.jar.deployed"))).contains("1.0.0");
            // conf/logback.xml tags every line about a bundle with its name and version, as the checkout's does
            await().atMost(Duration.ofSeconds(10)).until(() -> output.text().lines().anyMatch(line ->
                    line.matches("\\S+ INFO  Deployer \\[greeter 1\\.0\\.0\\] - greeter 1\\.0\\.0 active in .*")));

            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/v1/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body().replaceAll("\\s", "")).contains("\"status\":\"UP\"").contains("\"bundles\":1");

            // the CLI finds the token through conf/swivel.conf's data-dir, from another directory
            Run call = run(elsewhere, Map.of("JAVA_HOME", System.getProperty("java.home")), link.toString(), "call",
                    GREETER, "greet", "[\"Ada\"]", "--admin-port", String.valueOf(adminPort));
            assertThat(call.status).as(call.out).isZero();
            assertThat(call.out.trim()).isEqualTo("\"Hello, Ada (v1)\"");
            Run services = run(elsewhere, Map.of("SWIVEL_ZOOKEEPER", zookeeper), link.toString(), "services");
            assertThat(services.status).as(services.out).isZero();
            assertThat(services.out).contains(GREETER).contains("127.0.0.1:" + rpcPort).contains("1.0.0");
        } finally {
            server.toHandle().destroy(); // SIGTERM (Process.destroy would close our end of its output)
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
            output.reader.join(10_000);
        }
        assertThat(server.exitValue()).as("the JVM's exit status after SIGTERM and its shutdown hooks: 128 + 15\n%s",
                output.text()).isEqualTo(143);
        assertThat(output.text()).contains("Swivel stopped in").doesNotContain("ERROR").doesNotContain("Exception")
                .as("no JVM warning (native access, sun.misc.Unsafe) on Java %s", Runtime.version())
                .doesNotContain("WARNING:");
        assertThat(output.text().lines()).as("a clean start, deploy and stop warn of nothing").noneMatch(line -> line.contains(" WARN "));
    }

    @Test
    void launcherErrorsAreOneLine() throws Exception {
        Run badJava = run(elsewhere, Map.of("JAVA_HOME", root.resolve("no-jdk").toString()),
                home.resolve("bin/swivel").toString(), "status");
        assertThat(badJava.status).isEqualTo(1);
        assertThat(badJava.out.trim()).isEqualTo("swivel: JAVA_HOME is " + root.resolve("no-jdk") + " but "
                + root.resolve("no-jdk/bin/java") + " is not an executable; fix JAVA_HOME or unset it");

        Run badEnv = run(elsewhere, Map.of("JAVA_HOME", System.getProperty("java.home"), "SWIVEL_PORT", "x"),
                home.resolve("bin/swivel").toString(), "serve");
        assertThat(badEnv.status).isEqualTo(2);
        assertThat(badEnv.out.trim()).startsWith("swivel: ").endsWith("(from environment variable SWIVEL_PORT)");

        Run noServer = run(elsewhere, Map.of("JAVA_HOME", System.getProperty("java.home")),
                home.resolve("bin/swivel").toString(), "status", "--admin-port", "1");
        assertThat(noServer.status).isEqualTo(1);
        assertThat(noServer.out.trim()).as("no token yet: data/ does not exist")
                .isEqualTo("swivel: no admin token: " + home.toRealPath().resolve("data/admin.token")
                        + " does not exist; run from the directory where 'swivel serve' runs, or pass --data-dir or --token");
    }

    private static Run run(Path dir, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(key -> key.startsWith("SWIVEL_"));
        builder.environment().putAll(env);
        Process process = builder.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("%s finishes", List.of(command)).isTrue();
        return new Run(process.exitValue(), out.get(10, TimeUnit.SECONDS));
    }

    private record Run(int status, String out) {
    }

    /** The server's output, read as it comes, and its ready line. */
    private static final class Output {
        final List<String> lines = new ArrayList<>();
        final CompletableFuture<Matcher> ready = new CompletableFuture<>();
        Thread reader;

        static Output follow(Process process) {
            Output output = new Output();
            BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            output.reader = new Thread(() -> {
                try {
                    for (String line; (line = in.readLine()) != null; ) {
                        synchronized (output.lines) {
                            output.lines.add(line);
                        }
                        Matcher matcher = READY.matcher(line);
                        if (matcher.find()) {
                            output.ready.complete(matcher);
                        }
                    }
                    output.ready.completeExceptionally(new IllegalStateException("server exited:\n" + output.text()));
                } catch (IOException e) {
                    output.ready.completeExceptionally(e);
                }
            }, "dist-serve-output");
            output.reader.setDaemon(true);
            output.reader.start();
            return output;
        }

        String text() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }
    }
}
