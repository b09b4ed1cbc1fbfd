package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swivel.samples.greeter.Greeter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/bundles}, {@code GET /v1/bundles/{name}/jar} and {@code swivel deploy} against a
 * real server on loopback: a good upload serves through the watcher (markers, probation), the CLI
 * prints each step and exits 0 or 1 with the cause; oversized, corrupt and sha-mismatched uploads
 * are refused with a clear error and the serving version stays untouched.
 */
@Timeout(120)
class UploadTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private LiveServer start(java.util.function.Consumer<io.swivel.server.config.ServerConfig.Builder> changes)
            throws Exception {
        TestBundles.deploy("greeter-v1", root.resolve("deploy"), "greeter.jar");
        LiveServer live = LiveServer.start(root, changes);
        assertThat(live.proxy(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada (v1)");
        return live;
    }

    @Test
    void anUploadedJarServesAndTheCliFollowsItThroughProbation() throws Exception {
        // long enough that the CLI, polling every 200 ms, sees the probation on a loaded machine (800 ms was missed)
        try (LiveServer live = start(c -> c.probation = Duration.ofSeconds(3))) {
            LiveServer.Cli cli = live.cli("deploy", TestBundles.jar("greeter-v2").toString());

            assertThat(cli.status()).as(cli.err()).isZero();
            assertThat(cli.out()).contains("upload: ", "staged: greeter 2.0.0 as greeter.jar", "starting: greeter 2.0.0",
                    "active: greeter 2.0.0 serves", "probation: until", "greeter 1.0.0 on standby",
                    "done: greeter 2.0.0 serves, probation passed");
            assertThat(live.proxy(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada (v2)");
            assertThat(Files.readString(live.marker("greeter.jar", ".deployed"))).contains("version: 2.0.0",
                    "sha256: " + sha256(Files.readAllBytes(TestBundles.jar("greeter-v2"))));
            assertThat(live.status("greeter").history()).extracting(h -> h.version()).contains("1.0.0", "2.0.0");
            assertNoUploadLeftovers(live);

            LiveServer.Cli again = live.cli("deploy", TestBundles.jar("greeter-v2").toString());
            assertThat(again.status()).as(again.err()).isZero();
            assertThat(again.out()).contains("greeter 2.0.0 serves already; nothing changed");
        }
    }

    @Test
    void aVersionThatFailsToStartFailsTheCliWithItsCauseAndTheOldOneServes() throws Exception {
        try (LiveServer live = start(c -> { })) {
            LiveServer.Cli cli = live.cli("deploy", TestBundles.jar("greeter-broken").toString());

            assertThat(cli.status()).isEqualTo(1);
            assertThat(cli.out()).contains("staged: greeter 3.0.0", "starting: greeter 3.0.0").doesNotContain("active:");
            assertThat(cli.err().strip()).startsWith("swivel: greeter 3.0.0 failed: greeter.jar: ")
                    .contains("serving 1.0.0 instead").doesNotContain("\n");
            assertThat(live.proxy(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada (v1)");
            assertThat(live.marker("greeter.jar", ".failed")).exists();
        }
    }

    @Test
    void oversizedUploadsAreRefusedAndNothingIsStored() throws Exception {
        try (LiveServer live = start(c -> c.limits = c.limits.with(l -> l.maxUploadBytes = 1024))) {
            AdminHttp http = new AdminHttp(live.server);
            byte[] v2 = Files.readAllBytes(TestBundles.jar("greeter-v2"));
            assertThat(v2.length).isGreaterThan(1024);

            HttpResponse<String> announced = http.send(upload(http, sha256(v2))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(v2)));
            HttpResponse<String> chunked = http.send(upload(http, sha256(v2))
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(v2))));

            for (HttpResponse<String> refused : List.of(announced, chunked)) {
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(413);
                assertThat(json(refused).path("status").asText()).isEqualTo("TOO_LARGE");
                assertThat(json(refused).path("message").asText()).contains("larger than the limit of 1024 bytes",
                        "--max-upload-size");
            }
            assertUntouched(live);
        }
    }

    @Test
    void corruptAndMismatchedUploadsAreRefusedWithTheReason() throws Exception {
        try (LiveServer live = start(c -> { })) {
            AdminHttp http = new AdminHttp(live.server);
            byte[] v2 = Files.readAllBytes(TestBundles.jar("greeter-v2"));
            byte[] garbage = "this is not a jar at all".repeat(100).getBytes(StandardCharsets.UTF_8);
            byte[] nameless = jarWithoutBundleName();

            HttpResponse<String> notAJar = http.send(upload(http, sha256(garbage)).POST(HttpRequest.BodyPublishers.ofByteArray(garbage)));
            assertThat(notAJar.statusCode()).isEqualTo(422);
            assertThat(json(notAJar).path("status").asText()).isEqualTo("NOT_A_BUNDLE");
            assertThat(json(notAJar).path("message").asText()).contains("is not a valid jar");

            HttpResponse<String> noName = http.send(upload(http, sha256(nameless)).POST(HttpRequest.BodyPublishers.ofByteArray(nameless)));
            assertThat(noName.statusCode()).isEqualTo(422);
            assertThat(json(noName).path("message").asText()).contains("has no Swivel-Bundle attribute");

            String wrong = sha256(Files.readAllBytes(TestBundles.jar("greeter-v1")));
            HttpResponse<String> mismatch = http.send(upload(http, wrong).POST(HttpRequest.BodyPublishers.ofByteArray(v2)));
            assertThat(mismatch.statusCode()).isEqualTo(422);
            assertThat(json(mismatch).path("status").asText()).isEqualTo("SHA256_MISMATCH");
            assertThat(json(mismatch).path("message").asText()).contains("have sha256 " + sha256(v2), "not the announced " + wrong);

            HttpResponse<String> noSha = http.send(http.bearer("/v1/bundles").POST(HttpRequest.BodyPublishers.ofByteArray(v2)));
            assertThat(noSha.statusCode()).isEqualTo(400);
            assertThat(json(noSha).path("message").asText()).contains("no SHA-256 announced", "X-Swivel-Sha256");

            HttpResponse<String> noToken = http.send(http.request("/v1/bundles").header("X-Swivel-Sha256", sha256(v2))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(v2)));
            assertThat(noToken.statusCode()).isEqualTo(401);

            assertUntouched(live);
            LiveServer.Cli cli = live.cli("deploy", writeFile("garbage.jar", garbage).toString());
            assertThat(cli.status()).isEqualTo(1);
            assertThat(cli.err()).contains("swivel: the server refused the jar (NOT_A_BUNDLE): the upload (2400 bytes) is not a valid jar");
            LiveServer.Cli missing = live.cli("deploy", root.resolve("nowhere.jar").toString());
            assertThat(missing.status()).isEqualTo(1);
            assertThat(missing.err()).contains("swivel: no such file: ");
        }
    }

    @Test
    void anUploadLargerThanTheAdminBodyCapStreamsToTheDeployDirectory() throws Exception {
        try (LiveServer live = start(c -> { })) {
            AdminHttp http = new AdminHttp(live.server);
            byte[] big = jarWithPadding("padded", 3 * 1024 * 1024); // three times the 1 MiB cap of every other route

            HttpResponse<String> staged = http.send(upload(http, sha256(big)).POST(HttpRequest.BodyPublishers.ofByteArray(big)));

            assertThat(staged.statusCode()).as(staged.body()).isEqualTo(202);
            assertThat(json(staged).path("status").asText()).isEqualTo("STAGED");
            assertThat(json(staged).path("jar").asText()).isEqualTo("padded.jar");
            assertThat(json(staged).path("size").asLong()).isEqualTo(big.length);
            assertThat(Files.readAllBytes(live.deploy.resolve("padded.jar"))).isEqualTo(big);
            // it holds no service, so the watcher marks it failed, as it would a copied jar
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(live.marker("padded.jar", ".failed")));
            assertThat(live.proxy(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada (v1)");
            assertNoUploadLeftovers(live);
        }
    }

    @Test
    void aPeerDownloadsTheJarThatServesWithItsSha256() throws Exception {
        try (LiveServer live = start(c -> { })) {
            AdminHttp http = new AdminHttp(live.server);
            byte[] v1 = Files.readAllBytes(TestBundles.jar("greeter-v1"));
            HttpClient client = HttpClient.newHttpClient();

            HttpResponse<byte[]> jar = client.send(http.bearer("/v1/bundles/greeter/jar").GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());

            assertThat(jar.statusCode()).isEqualTo(200);
            assertThat(jar.body()).isEqualTo(v1);
            assertThat(jar.headers().firstValue("X-Swivel-Sha256")).hasValue(sha256(v1));
            assertThat(jar.headers().firstValue("X-Swivel-Version")).hasValue("1.0.0");
            assertThat(http.send(http.request("/v1/bundles/greeter/jar").GET()).statusCode()).isEqualTo(401);
            HttpResponse<String> unknown = http.send(http.bearer("/v1/bundles/nobody/jar").GET());
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.body()).contains("no bundle nobody serves here");
            // the other routes still work on the same server after the streamed ones
            assertThat(http.send(http.bearer("/v1/bundles/greeter").GET()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anUploadWhoseClientEndsItsSideBeforeTheBodyIsCompleteIsAnswered400() throws Exception {
        try (LiveServer live = start(c -> { })) {
            AdminHttp http = new AdminHttp(live.server);
            byte[] v2 = Files.readAllBytes(TestBundles.jar("greeter-v2"));
            int sent = v2.length / 2;
            String head = "POST /v1/bundles HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + http.token
                    + "\r\nX-Swivel-Sha256: " + sha256(v2) + "\r\n";

            String announced = halfClosed(live, (head + "Content-Length: " + v2.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1), Arrays.copyOf(v2, sent));
            String chunk = Integer.toHexString(sent) + "\r\n";
            String chunked = halfClosed(live, (head + "Transfer-Encoding: chunked\r\n\r\n" + chunk)
                    .getBytes(StandardCharsets.ISO_8859_1), Arrays.copyOf(v2, sent), "\r\n".getBytes(StandardCharsets.ISO_8859_1));

            assertThat(announced).startsWith("HTTP/1.1 400 ").contains("\"status\" : \"BAD_REQUEST\"",
                    "the upload ended after " + sent + " of " + v2.length + " bytes");
            assertThat(chunked).startsWith("HTTP/1.1 400 ").contains("the upload ended after " + sent
                    + " bytes, before its last chunk");
            assertUntouched(live); // and the partial file is gone
        }
    }

    /** Sends the parts over one connection, ends its output, and reads the whole answer. */
    private static String halfClosed(LiveServer live, byte[]... parts) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", live.server.adminAddress().getPort()), 5_000);
            socket.setSoTimeout(30_000); // the upload timeout is 5 min: an answer within 30 s is the early one
            OutputStream out = socket.getOutputStream();
            for (byte[] part : parts) {
                out.write(part);
            }
            out.flush();
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static HttpRequest.Builder upload(AdminHttp http, String sha256) {
        return http.bearer("/v1/bundles").header("X-Swivel-Sha256", sha256);
    }

    @Test
    void theUnfinishedUploadOfAnEarlierRunIsDeletedAtStart() throws Exception {
        // what a server killed mid-upload leaves in its deploy directory
        Path leftover = Files.createDirectories(root.resolve("deploy")).resolve(".upload-0f0f0f0f.part");
        Files.write(leftover, new byte[64 * 1024]);
        try (LiveServer live = start(c -> { })) {
            assertThat(leftover).doesNotExist();
            assertUntouched(live);
        }
    }

    private void assertUntouched(LiveServer live) throws IOException {
        assertThat(live.proxy(Greeter.class).greet("Ada")).isEqualTo("Hello, Ada (v1)");
        assertThat(live.status("greeter").active().version()).isEqualTo("1.0.0");
        assertThat(Files.readAllBytes(live.deploy.resolve("greeter.jar")))
                .isEqualTo(Files.readAllBytes(TestBundles.jar("greeter-v1")));
        assertNoUploadLeftovers(live);
    }

    private static void assertNoUploadLeftovers(LiveServer live) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (Stream<Path> files = Files.list(live.deploy)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith(".upload-"));
            }
        });
    }

    private Path writeFile(String name, byte[] content) throws IOException {
        return Files.write(root.resolve(name), content);
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] jarWithPadding(String bundle, int size) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Swivel-Bundle", bundle);
        manifest.getMainAttributes().putValue("Swivel-Version", "1.0.0");
        byte[] padding = new byte[size];
        new java.util.Random(42).nextBytes(padding); // does not compress: the jar is as large as asked
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.putNextEntry(new JarEntry("padding.bin"));
            jar.write(padding);
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }

    private static byte[] jarWithoutBundleName() throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Swivel-Version", "9.0.0");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.putNextEntry(new JarEntry("README.txt"));
            jar.write("no bundle name here".getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
