package io.swivel.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code swivel serve --with-samples} as a real process, and {@code swivel call} and
 * {@code swivel status} against it, as a user would run them.
 */
@Timeout(120)
class CliEndToEndTest {

    private static final Pattern READY = Pattern.compile(
            "Swivel ready: rpc=([\\d.]+):(\\d+) admin=http://[\\d.]+:(\\d+)/ deploy-dir=\\S+ zookeeper=(\\S+)");

    @TempDir
    static Path root;

    static Process server;
    static Thread outputReader;
    static int adminPort;
    static String zookeeper;
    static final List<String> serverOutput = new ArrayList<>();

    @BeforeAll
    static void startServer() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Dswivel.home=" + System.getProperty("swivel.home"),
                "-cp", System.getProperty("java.class.path"), SwivelMain.class.getName(),
                "serve", "--with-samples", "--port", "0", "--admin-port", "0", "--embedded-zk-port", "0",
                "--deploy-dir", root.resolve("deploy").toString(), "--data-dir", root.resolve("data").toString())
                .redirectErrorStream(true);
        server = builder.start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        outputReader = new Thread(() -> {
            try {
                for (String line; (line = lines.readLine()) != null; ) {
                    synchronized (serverOutput) {
                        serverOutput.add(line);
                    }
                    Matcher matcher = READY.matcher(line);
                    if (matcher.find()) {
                        zookeeper = matcher.group(4);
                        ready.complete(Integer.parseInt(matcher.group(3)));
                    }
                }
                ready.completeExceptionally(new IllegalStateException("server exited: " + output()));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        }, "serve-output");
        outputReader.setDaemon(true);
        outputReader.start();
        adminPort = ready.get(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.toHandle().destroy(); // SIGTERM only (Process.destroy would also close our end of its output)
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("server stops on SIGTERM").isTrue();
            outputReader.join(10_000); // the output ends when the process has exited
            assertThat(output()).as("exit value %d", server.exitValue()).contains("Swivel stopped");
        }
    }

    @Test
    void callPrintsTheV1Greeting() {
        Result result = swivel("call", "io.swivel.samples.greeter.Greeter", "greet", "[\"Ada\"]");
        assertThat(result.status).as(result.err).isZero();
        assertThat(result.out.trim()).isEqualTo("\"Hello, Ada (v1)\"");
    }

    @Test
    void callConvertsJsonToRecordsAndResultsToJson() {
        Result result = swivel("call", "io.swivel.samples.greeter.Greeter", "welcome", "[{\"name\":\"Ada\",\"language\":\"en\"}]");
        assertThat(result.status).as(result.err).isZero();
        assertThat(result.out).contains("\"text\" : \"Welcome, Ada (v1)\"").contains("\"version\" : \"1.0.0\"");
    }

    @Test
    void serviceErrorIsOneLineAndNonZero() {
        Result result = swivel("call", "io.swivel.samples.greeter.Greeter", "fail", "[\"boom\"]");
        assertThat(result.status).isEqualTo(1);
        assertThat(result.err.trim()).isEqualTo(
                "swivel: io.swivel.samples.greeter.Greeter#fail threw io.swivel.samples.greeter.GreetingException: boom");
    }

    @Test
    void unknownServiceNamesWhatExists() {
        Result result = swivel("call", "com.example.Nope", "x");
        assertThat(result.status).isEqualTo(1);
        assertThat(result.err).startsWith("swivel: NOT_FOUND: no service com.example.Nope here")
                .contains("io.swivel.samples.greeter.Greeter");
        assertThat(result.err.trim().lines()).hasSize(1);
    }

    @Test
    void badJsonArgumentsSayHowToQuote() {
        Result result = swivel("call", "io.swivel.samples.greeter.Greeter", "greet", "[Ada");
        assertThat(result.status).isEqualTo(1);
        assertThat(result.err).startsWith("swivel: JSON_ARGS is not valid JSON");
    }

    @Test
    void wrongTokenIsRefused() {
        Result result = swivelWith(List.of("--token", "not-the-token"), "call", "io.swivel.samples.greeter.Greeter", "greet", "[\"Ada\"]");
        assertThat(result.status).isEqualTo(1);
        assertThat(result.err.trim()).startsWith("swivel: the server at http://127.0.0.1:" + adminPort + " refused the admin token");
    }

    @Test
    void statusListsTheSampleBundle() {
        Result result = swivel("status");
        assertThat(result.status).as(result.err).isZero();
        assertThat(result.out).contains("greeter").contains("1.0.0").contains("ACTIVE").contains("io.swivel.samples.greeter.Greeter")
                .containsPattern("\n  history, newest first: 1\\.0\\.0 \\(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)\\)\n");
    }

    @Test
    void servicesShowsTheGreeterRegisteredInTheEmbeddedZooKeeper() {
        assertThat(zookeeper).startsWith("127.0.0.1:");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            Result result = runCli(List.of("services", "--zookeeper", zookeeper));
            assertThat(result.status).as(result.err).isZero();
            assertThat(result.out).contains("io.swivel.samples.greeter.Greeter").contains("greeter")
                    .contains("1.0.0").contains("swivel/1");
        });
        Result json = runCli(List.of("services", "--json", "--zookeeper", zookeeper));
        assertThat(json.out).contains("\"service\" : \"io.swivel.samples.greeter.Greeter\"").contains("\"version\" : \"1.0.0\"");
    }

    @Test
    void servicesWithoutZooKeeperIsAClearError() throws Exception {
        int unused;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            unused = socket.getLocalPort();
        }
        Result result = runCli(List.of("services", "--zookeeper", "127.0.0.1:" + unused));
        assertThat(result.status).isEqualTo(1);
        assertThat(result.err.trim()).isEqualTo("swivel: no ZooKeeper answers at 127.0.0.1:" + unused
                + " (connection refused); the embedded ZooKeeper runs inside 'swivel serve', so start the server first, "
                + "or name your ensemble with --zookeeper HOST:PORT,...");
    }

    @Test
    void tokenFileIsPrivateAndNeverLogged() throws Exception {
        Path token = root.resolve("data/admin.token");
        assertThat(Files.getPosixFilePermissions(token))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(output()).doesNotContain(Files.readString(token).trim());
    }

    @Test
    void noServerIsAClearError() throws Exception {
        int unused;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            unused = socket.getLocalPort();
        }
        Result result = runCli(List.of("call", "io.swivel.samples.greeter.Greeter", "greet", "[\"Ada\"]",
                "--admin-port", String.valueOf(unused), "--token", "x"));
        assertThat(result.status).isEqualTo(1);
        assertThat(result.err.trim()).startsWith("swivel: no Swivel server answers at http://127.0.0.1:" + unused)
                .contains("is 'swivel serve' running?");
    }

    private static Result swivel(String... args) {
        return swivelWith(List.of(), args);
    }

    private static Result swivelWith(List<String> extra, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--admin-port", String.valueOf(adminPort), "--data-dir", root.resolve("data").toString()));
        all.addAll(extra);
        return runCli(all);
    }

    private static Result runCli(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = SwivelMain.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
        return new Result(status, out.toString(), err.toString());
    }

    private static String output() {
        synchronized (serverOutput) {
            return String.join("\n", serverOutput);
        }
    }

    private record Result(int status, String out, String err) {
    }
}
