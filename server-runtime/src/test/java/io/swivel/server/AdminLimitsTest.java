package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.swivel.server.internal.admin.AdminToken;
import io.swivel.server.probe.ProbeBundles;
import io.swivel.server.probe.ProbeBundles.Options;
import io.swivel.testing.Dribbler;
import io.swivel.testing.RawHttp;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API's bounds against the real admin server on an ephemeral port: slow clients are cut
 * at the read timeout while {@code /v1/health} keeps answering within 1 s; the connection cap
 * answers health and refuses the rest with 503; calls beyond {@code --admin-max-calls} get 503
 * without holding admin threads; bodies over 1 MiB get 413; the sign-in cookie is
 * {@code HttpOnly; SameSite=Strict; Path=/} and named after the port. Every refusal is counted.
 */
@Timeout(120)
class AdminLimitsTest {

    private static final Duration HEALTH_BUDGET = Duration.ofSeconds(1);
    private static final String PROBE = "io.swivel.server.probe.Probe";

    @TempDir
    Path root;

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

    @AfterEach
    void stopScheduler() throws InterruptedException {
        scheduler.shutdownNow();
        assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private LiveServer start(Consumer<io.swivel.server.config.Limits.Builder> limits) throws Exception {
        return LiveServer.start(root, c -> c.limits = c.limits.with(limits));
    }

    @Test
    void slowHeaderDribblersAreCutAtTheReadTimeoutWhileHealthAnswersWithinASecond() throws Exception {
        try (LiveServer live = start(l -> l.adminReadTimeout = Duration.ofSeconds(1))) {
            int port = live.server.adminAddress().getPort();
            warmUp(port);
            List<Dribbler> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) { // a header that never ends, one byte every 200 ms
                    slow.add(Dribbler.start(port, "GET /v1/bundles HTTP/1.1\r\nHost: x\r\nX-Slow: " + "a".repeat(200),
                            Duration.ofMillis(200), Duration.ofSeconds(20), scheduler));
                }
                long slowest = 0;
                for (int probes = 0; probes < 500 && !slow.stream().allMatch(d -> d.outcome().isDone()); probes++) {
                    RawHttp.Reply health = RawHttp.exchange(port, RawHttp.get(port, "/v1/health"), Duration.ofSeconds(5));
                    assertThat(health.status()).isEqualTo(200);
                    assertThat(health.millis()).as("health while slow clients dribble").isLessThan(HEALTH_BUDGET.toMillis());
                    slowest = Math.max(slowest, health.millis());
                }
                for (Dribbler dribbler : slow) {
                    RawHttp.Reply cut = dribbler.outcome().get(20, TimeUnit.SECONDS);
                    assertThat(cut.status()).as(cut.body()).isEqualTo(408);
                    assertThat(cut.body()).contains("REQUEST_TIMEOUT").contains("--admin-read-timeout");
                    assertThat(cut.millis()).as("cut at the 1 s read timeout, though it kept sending")
                            .isBetween(900L, 5_000L);
                    assertThat(dribbler.sent()).isLessThan(60);
                }
                System.out.printf("ADMIN slowloris: 4 connections dribbling 1 byte/200 ms cut after %s ms (408); "
                        + "slowest /v1/health meanwhile %d ms%n", slow.stream().map(d -> d.outcome().join().millis()).toList(), slowest);
            } finally {
                for (Dribbler dribbler : slow) {
                    dribbler.close();
                }
            }
            assertThat(refused(live, "read_timeout")).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void atTheConnectionCapHealthStillAnswersAndOtherRoutesGet503AtOnce() throws Exception {
        try (LiveServer live = start(l -> {
            l.adminMaxConnections = 4;
            l.adminReadTimeout = Duration.ofSeconds(30);
        })) {
            int port = live.server.adminAddress().getPort();
            String bearer = "Authorization: Bearer " + new AdminHttp(live.server).token;
            warmUp(port);
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) { // connected, sending nothing: each holds a slot until the read timeout
                    Socket socket = new Socket();
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                    held.add(socket);
                }
                for (int i = 0; i < 10; i++) {
                    RawHttp.Reply health = RawHttp.exchange(port, RawHttp.get(port, "/v1/health"), Duration.ofSeconds(5));
                    assertThat(health.status()).isEqualTo(200);
                    assertThat(health.millis()).isLessThan(HEALTH_BUDGET.toMillis());
                }
                RawHttp.Reply refused = RawHttp.exchange(port, RawHttp.get(port, "/v1/bundles", bearer), Duration.ofSeconds(5));
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.body()).contains("UNAVAILABLE").contains("--admin-max-connections 4");
                assertThat(refused.millis()).isLessThan(HEALTH_BUDGET.toMillis());
                System.out.printf("ADMIN connection cap 4 held by idle sockets: /v1/health 200, /v1/bundles 503 in %d ms%n",
                        refused.millis());
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    RawHttp.exchange(port, RawHttp.get(port, "/v1/bundles", bearer), Duration.ofSeconds(5)).status() == 200);
            assertThat(refused(live, "connections")).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void oneAddressCannotTakeTheWholeHealthReserve() throws Exception {
        try (LiveServer live = start(l -> {
            l.adminMaxConnections = 4;
            l.adminReadTimeout = Duration.ofSeconds(30);
        })) {
            int port = live.server.adminAddress().getPort();
            List<Socket> held = new ArrayList<>();
            try {
                // the cap, then half of the 16 kept for /v1/health: all idle, all from 127.0.0.1
                for (int i = 0; i < 4 + 8; i++) {
                    held.add(connect("127.0.0.1", port));
                }
                Socket oneMore = connect("127.0.0.1", port);
                held.add(oneMore);
                oneMore.setSoTimeout(1_500); // below the 2 s an accepted connection beyond the cap would get
                assertThat(oneMore.getInputStream().read()).as("closed at once, nothing answered").isEqualTo(-1);

                try (Socket other = connect("127.0.0.2", port)) { // another peer still gets a reserved slot
                    other.setSoTimeout(5_000);
                    other.getOutputStream().write(RawHttp.get(port, "/v1/health")
                            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    RawHttp.Reply health = RawHttp.read(other.getInputStream(), System.nanoTime());
                    assertThat(health.status()).as(health.body()).isEqualTo(200);
                }
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    RawHttp.exchange(port, RawHttp.get(port, "/v1/health"), Duration.ofSeconds(5)).status() == 200);
            assertThat(refused(live, "connections_per_address")).isEqualTo(1);
            assertThat(refused(live, "connections")).isZero();
        }
    }

    private static Socket connect(String from, int port) throws java.io.IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return socket;
    }

    @Test
    void callsBeyondTheLimitGet503AndRunningCallsHoldNoAdminThread() throws Exception {
        Path jar = ProbeBundles.build(root.resolve("work"), root.resolve("work/probe.jar"), Options.healthy("1"));
        int maxCalls = 6; // more than the admin API's 4 workers: a call must not hold one
        try (LiveServer live = start(l -> l.adminMaxCalls = maxCalls)) {
            AdminHttp admin = new AdminHttp(live.server);
            live.moveIn(jar, "probe.jar");
            await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> call(admin, "version", "").statusCode() == 200);
            List<CompletableFuture<HttpResponse<String>>> holding = new ArrayList<>();
            for (int i = 0; i < maxCalls; i++) {
                holding.add(CompletableFuture.supplyAsync(() -> call(admin, "hold", "5000")));
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> live.status("probe").active().inFlight() == maxCalls);
            HttpResponse<String> refused = call(admin, "version", "");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("OVERLOADED").contains("--admin-max-calls " + maxCalls);
            HttpResponse<String> bundles = admin.send(admin.bearer("/v1/bundles"));
            assertThat(bundles.statusCode()).as("the workers are free while calls run").isEqualTo(200);
            for (CompletableFuture<HttpResponse<String>> call : holding) {
                HttpResponse<String> answer = call.get(30, TimeUnit.SECONDS);
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(answer.body()).contains("\"result\" : \"1\"");
            }
            assertThat(call(admin, "version", "").statusCode()).isEqualTo(200);
            assertThat(refused(live, "calls")).isEqualTo(1);
        }
    }

    @Test
    void aBodyLargerThanOneMebibyteIs413BeforeItIsRead() throws Exception {
        try (LiveServer live = start(l -> { })) {
            int port = live.server.adminAddress().getPort();
            String request = "POST /v1/call HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + new AdminHttp(live.server).token
                    + "\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{\"service\":";
            RawHttp.Reply tooLarge = RawHttp.exchange(port, request, Duration.ofSeconds(10));
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.body()).contains("request body larger than 1048576 bytes (Content-Length 2000000)");
            assertThat(tooLarge.header("Content-Type")).containsExactly("application/json; charset=utf-8");
            String header = "GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n";
            assertThat(RawHttp.exchange(port, header, Duration.ofSeconds(10)).status()).isEqualTo(431);
            assertThat(refused(live, "body_too_large")).isEqualTo(1);
            assertThat(refused(live, "bad_request")).isEqualTo(1);
        }
    }

    @Test
    void theBodyCapAndTheTransferCapAreSettingsAndTheirRefusalsNameTheFlags() throws Exception {
        try (LiveServer live = start(l -> {
            l.adminMaxBodyBytes = 4096;
            l.adminMaxTransfers = 1;
        })) {
            int port = live.server.adminAddress().getPort();
            AdminHttp admin = new AdminHttp(live.server);
            String call = "POST /v1/call HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin.token
                    + "\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{\"service\":";
            RawHttp.Reply tooLarge = RawHttp.exchange(port, call, Duration.ofSeconds(10));
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.body()).contains("request body larger than 4096 bytes (Content-Length 5000); "
                    + "the limit is --admin-max-body-size");

            try (Socket upload = new Socket()) { // holds the one transfer permit while its body has not arrived
                upload.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                upload.getOutputStream().write(("POST /v1/bundles HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + admin.token + "\r\nX-Swivel-Sha256: " + "0".repeat(64) + "\r\nContent-Length: 100000\r\n\r\n"
                        + "PK").getBytes(StandardCharsets.ISO_8859_1));
                upload.getOutputStream().flush();
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    HttpResponse<String> busy = admin.send(admin.bearer("/v1/bundles/nobody/jar"));
                    assertThat(busy.statusCode()).isEqualTo(503);
                    assertThat(busy.body()).contains("as many uploads and downloads as --admin-max-transfers allows (1) "
                            + "run already on this server; retry when one is done");
                });
            }
            // the upload's permit comes back when its connection goes
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    admin.send(admin.bearer("/v1/bundles/nobody/jar")).statusCode() == 404);
            assertThat(refused(live, "transfers")).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void aClientThatEndsItsSideAfterItsRequestStillGetsTheAnswerFromTheWorkers() throws Exception {
        try (LiveServer live = start(l -> { })) {
            int port = live.server.adminAddress().getPort();
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(RawHttp.get(port, "/v1/bundles", "Authorization: Bearer "
                        + new AdminHttp(live.server).token).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                socket.shutdownOutput(); // as `printf ... | nc` does
                RawHttp.Reply reply = RawHttp.read(socket.getInputStream(), System.nanoTime());
                assertThat(reply.status()).as(reply.body()).isEqualTo(200);
                assertThat(reply.body()).contains("\"bundles\"");
            }
        }
    }

    @Test
    void signInSetsAnHttpOnlyStrictCookieNamedAfterThePortThatAloneAuthorizes() throws Exception {
        try (LiveServer live = start(l -> { })) {
            AdminHttp admin = new AdminHttp(live.server);
            int port = live.server.adminAddress().getPort();
            String name = AdminToken.cookieName(port);
            assertThat(name).isEqualTo("swivel_token_" + port);
            assertThat(admin.send(admin.request("/v1/signin").POST(HttpRequest.BodyPublishers.noBody())).statusCode())
                    .isEqualTo(401);
            HttpResponse<String> signIn = admin.send(admin.bearer("/v1/signin").POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(signIn.statusCode()).isEqualTo(200);
            String setCookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
            List<String> attributes = List.of(setCookie.split(";\\s*"));
            assertThat(attributes.get(0)).isEqualTo(name + "=" + admin.token);
            assertThat(attributes.subList(1, attributes.size())).containsExactlyInAnyOrder("Path=/", "HttpOnly", "SameSite=Strict");
            assertThat(signIn.body()).doesNotContain(admin.token);

            String cookie = attributes.get(0);
            assertThat(admin.send(admin.request("/v1/bundles").header("Cookie", cookie)).statusCode()).isEqualTo(200);
            assertThat(admin.send(admin.request("/").header("Cookie", cookie)).statusCode()).isEqualTo(200);
            assertThat(admin.send(admin.request("/v1/bundles").header("Cookie", "swivel_token=" + admin.token)).statusCode())
                    .as("another port's cookie name is not this server's").isEqualTo(401);
            assertThat(admin.send(admin.request("/v1/bundles").header("Cookie", "swivel_token_" + (port + 1) + "=" + admin.token))
                    .statusCode()).isEqualTo(401);

            HttpResponse<String> stale = admin.send(admin.request("/").header("Cookie", name + "=an-old-token"));
            assertThat(stale.statusCode()).isEqualTo(401);
            assertThat(stale.body()).contains("data-stale-token=\"1\"");
            assertThat(stale.headers().firstValue("Set-Cookie")).hasValueSatisfying(v -> assertThat(v).startsWith(name + "=;")
                    .contains("Max-Age=0"));

            assertThat(admin.send(admin.request("/v1/signout").POST(HttpRequest.BodyPublishers.noBody())).statusCode())
                    .as("sign-out needs the CSRF header").isEqualTo(403);
            HttpResponse<String> signOut = admin.send(admin.request("/v1/signout").header("X-Swivel-Request", "1")
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(signOut.statusCode()).isEqualTo(200);
            assertThat(signOut.headers().firstValue("Set-Cookie")).hasValueSatisfying(v -> assertThat(v)
                    .startsWith(name + "=;").contains("Max-Age=0").contains("HttpOnly"));
        }
    }

    @Test
    void healthReportsDegradedWithItsReasonAndStaysHttp200() throws Exception {
        try (LiveServer live = start(l -> { })) {
            AdminHttp admin = new AdminHttp(live.server);
            HttpResponse<String> up = admin.send(admin.request("/v1/health"));
            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(up.body()).contains("\"status\" : \"UP\"").contains("\"bundles\" : 0").contains("\"reason\" : null");
            live.server.health().degraded("OutOfMemoryError in a call of greeter 1.0.0");
            HttpResponse<String> degraded = admin.send(admin.request("/v1/health"));
            assertThat(degraded.statusCode()).isEqualTo(200);
            assertThat(degraded.body()).contains("\"status\" : \"DEGRADED\"")
                    .contains("\"reason\" : \"OutOfMemoryError in a call of greeter 1.0.0\"").contains("\"since\" : \"20");
        }
    }

    /** The first requests of a JVM load the HTTP and JSON classes; the budget is for a running server. */
    private static void warmUp(int port) {
        for (int i = 0; i < 3; i++) {
            assertThat(RawHttp.exchange(port, RawHttp.get(port, "/v1/health"), Duration.ofSeconds(10)).status()).isEqualTo(200);
        }
    }

    private static HttpResponse<String> call(AdminHttp admin, String method, String args) {
        return admin.send(admin.bearer("/v1/call").POST(HttpRequest.BodyPublishers.ofString(
                "{\"service\":\"" + PROBE + "\",\"method\":\"" + method + "\",\"args\":[" + args + "]}")));
    }

    private static double refused(LiveServer live, String cause) {
        return new AdminHttp(live.server).scrape().value("swivel_admin_refused_total", "cause", cause);
    }
}
