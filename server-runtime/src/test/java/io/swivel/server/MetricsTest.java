package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swivel.client.RemoteServiceException;
import io.swivel.protocol.Frame;
import io.swivel.protocol.RequestFrame;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.TypeAllowlist;
import io.swivel.registry.EmbeddedZooKeeper;
import io.swivel.samples.greeter.Greeter;
import io.swivel.samples.greeter.GreetingException;
import io.swivel.server.internal.metrics.PrometheusServerMetrics;
import io.swivel.server.probe.Probe;
import io.swivel.server.probe.ProbeBundles;
import io.swivel.server.probe.ProbeBundles.Options;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} on a real server after real calls, deployments, rollbacks and swaps,
 * scraped over HTTP and read back as Prometheus text.
 */
@Timeout(180)
class MetricsTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);
    private static final String GREET = "greet(java.lang.String)";
    private static final String CALLS = "swivel_calls_total";
    private static final String DURATION = "swivel_call_duration_seconds";
    private static final String IN_FLIGHT = "swivel_calls_in_flight";

    @TempDir
    Path root;

    private static String[] greeter(String method, String status) {
        return new String[] {"service", TestBundles.GREETER, "method", method, "bundle", "greeter", "version", "1.0.0",
                "status", status};
    }

    @Test
    void everyAnsweredCallIsCountedByStatusAndTimedAndTheJvmIsThere() throws Exception {
        TestBundles.deploy("greeter-v1", root.resolve("deploy"), "greeter.jar"); // serves from the start: no failed first calls
        try (LiveServer live = LiveServer.start(root, c -> { });
             RawClient raw = new RawClient(live.server.rpcAddress())) {
            AdminHttp admin = new AdminHttp(live.server);
            Greeter greeter = live.proxy(Greeter.class);
            for (int i = 0; i < 3; i++) {
                assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v1)");
            }
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> greeter.fail("on purpose")).isInstanceOf(RemoteServiceException.class)
                        .hasMessageContaining(GreetingException.class.getName());
            }
            assertThat(answer(raw, new RequestFrame(1, TestBundles.GREETER, GREET, "", 5000, new byte[] {1, (byte) 0xFF, 3})))
                    .isEqualTo(Status.BAD_REQUEST);
            assertThat(answer(raw, new RequestFrame(2, "no.such.Service", "x()", "", 5000, new byte[] {0})))
                    .isEqualTo(Status.NOT_FOUND);
            assertThat(answer(raw, new RequestFrame(3, TestBundles.GREETER, "nope()", "", 5000, new byte[] {0})))
                    .isEqualTo(Status.NOT_FOUND);

            // swivel call (POST /v1/call) of what is not there is counted as the same call over the wire
            assertThat(admin.send(admin.bearer("/v1/call").POST(HttpRequest.BodyPublishers.ofString(
                    "{\"service\": \"no.such.Service\", \"method\": \"x\"}"))).statusCode()).isEqualTo(404);
            HttpResponse<String> noMethod = admin.send(admin.bearer("/v1/call").POST(HttpRequest.BodyPublishers.ofString(
                    "{\"service\": \"" + TestBundles.GREETER + "\", \"method\": \"nope\", \"args\": []}")));
            assertThat(noMethod.statusCode()).isEqualTo(404);
            assertThat(noMethod.body()).as("the message names the methods there are").contains("no method nope taking 0 arguments")
                    .contains(GREET);

            HttpResponse<String> response = admin.send(admin.bearer("/metrics"));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            PrometheusText scrape = PrometheusText.parse(response.body());

            assertThat(scrape.value(CALLS, greeter(GREET, "OK"))).isEqualTo(3);
            assertThat(scrape.value(CALLS, greeter(GREET, "BAD_REQUEST"))).isEqualTo(1);
            assertThat(scrape.find(CALLS, greeter(GREET, "APP_ERROR"))).as("a series is created when first used").isEmpty();
            assertThat(scrape.all(CALLS, "method", "version()")).as("a method never called prints no line").isEmpty();
            assertThat(scrape.value(CALLS, greeter("fail(java.lang.String)", "APP_ERROR"))).isEqualTo(2);
            assertThat(scrape.value(CALLS, greeter("unknown", "NOT_FOUND"))).as("a method the service lacks, wire and admin")
                    .isEqualTo(2);
            assertThat(scrape.value(CALLS, "service", "unknown", "method", "unknown", "bundle", "none", "version", "none",
                    "status", "NOT_FOUND")).as("a service nobody serves; its name is not a label value").isEqualTo(2);
            assertThat(scrape.text).doesNotContain("no.such.Service").doesNotContain("nope()");

            String[] greet = {"service", TestBundles.GREETER, "method", GREET, "bundle", "greeter", "version", "1.0.0"};
            assertThat(scrape.value(DURATION + "_count", greet)).as("every answered greet, BAD_REQUEST included").isEqualTo(4);
            assertThat(scrape.value(DURATION + "_sum", greet)).isPositive();
            assertThat(scrape.value(DURATION + "_bucket", concat(greet, "le", "+Inf"))).isEqualTo(4);
            assertThat(scrape.find(DURATION + "_bucket", concat(greet, "le", "0.001"))).as("an SLO bucket").isPresent();
            assertThat(scrape.all(DURATION + "_bucket", greet)).as("17 bounds and +Inf").hasSize(18);
            assertThat(scrape.value(IN_FLIGHT, "bundle", "greeter", "version", "1.0.0")).isZero();
            assertThat(scrape.value("swivel_loaders_closed_not_collected")).isZero();
            assertThat(scrape.find("swivel_zookeeper_connected")).as("absent with --zookeeper none").isEmpty();
            assertThat(scrape.value("swivel_deployments_total", "bundle", "greeter", "result", "success", "cause", "none"))
                    .isEqualTo(1);

            // the heap as a whole: any one space (Eden right after a collection) may read 0
            assertThat(scrape.all("jvm_memory_used_bytes", "area", "heap").stream()
                    .mapToDouble(PrometheusText.Sample::value).sum()).isPositive();
            assertThat(scrape.value("jvm_threads_live_threads")).isPositive();
            assertThat(scrape.value("jvm_classes_loaded_classes")).isPositive();
            assertThat(scrape.all("jvm_gc_memory_allocated_bytes_total")).isNotEmpty();
            assertThat(scrape.value("system_cpus")).isPositive();
            assertThat(scrape.value("process_cpu_seconds_total")).isPositive();
            assertThat(scrape.find("system_cpu_count")).as("renamed: a _count suffix is for histograms").isEmpty();
            assertThat(scrape.all("process_cpu_time_ns_total")).as("replaced: seconds, not ns").isEmpty();
            assertThat(scrape.value("process_uptime_seconds")).isPositive();
            assertThat(scrape.all("netty_allocator_memory_used")).as("Netty's allocator").isNotEmpty();

            HttpResponse<String> openMetrics = admin.send(admin.bearer("/metrics")
                    .header("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"));
            assertThat(openMetrics.headers().firstValue("Content-Type")).hasValue(PrometheusServerMetrics.OPENMETRICS_FORMAT);
            assertThat(openMetrics.body()).contains("swivel_calls_total{").endsWith("# EOF\n");

            HttpResponse<String> anonymous = admin.send(admin.request("/metrics"));
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(anonymous.body()).doesNotContain("swivel_");
            HttpResponse<String> wrong = admin.send(admin.request("/metrics").header("Authorization", "Bearer 0123"));
            assertThat(wrong.statusCode()).isEqualTo(401);

            HttpResponse<String> services = admin.send(admin.bearer("/v1/services"));
            assertThat(services.statusCode()).isEqualTo(200);
            JsonNode none = new ObjectMapper().readTree(services.body());
            assertThat(none.path("zookeeper").asText()).isEqualTo("none");
            assertThat(none.path("services").isEmpty()).isTrue();
        }
    }

    @Test
    void inFlightFollowsAHeldCallAndAnUnloadedVersionLeavesNoMeterAndNoLoaderBehind() throws Exception {
        Path v1 = ProbeBundles.build(root.resolve("work"), root.resolve("work/v1.jar"), Options.healthy("1"));
        Path v2 = ProbeBundles.build(root.resolve("work"), root.resolve("work/v2.jar"), Options.healthy("2"));
        try (LiveServer live = LiveServer.start(root, c -> {
            c.drainTimeout = Duration.ofMillis(500);
            c.probation = Duration.ZERO;
        }); RawClient raw = new RawClient(live.server.rpcAddress())) {
            AdminHttp admin = new AdminHttp(live.server);
            Probe probe = live.proxy(Probe.class);
            live.moveIn(v1, "probe.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> probe.version().equals("1"));
            SerializationContext kryo = SerializationContext.create(getClass().getClassLoader(),
                    TypeAllowlist.forServices(List.of(Probe.class)), Frame.DEFAULT_MAX_FRAME_LENGTH);
            raw.send(new RequestFrame(7, Probe.class.getName(), "hold(long)", "", 0, kryo.encode(60_000L)));
            await().atMost(WITHIN).until(() -> admin.scrape().find(IN_FLIGHT, "bundle", "probe", "version", "1")
                    .orElse(-1.0) == 1.0);
            assertThat(admin.scrape().value(CALLS, "method", "version()", "version", "1", "status", "OK")).isPositive();

            live.moveIn(v2, "probe.jar");
            assertThat(((ResponseFrame) raw.receive()).status()).as("held past the drain timeout").isEqualTo(Status.RELOADING);
            await().atMost(WITHIN).until(() -> probe.version().equals("2"));
            // 1 unloads: its series go (bounded cardinality) and its loader is tracked as closed
            await().atMost(WITHIN).until(() -> admin.scrape().all(IN_FLIGHT, "bundle", "probe", "version", "1").isEmpty()
                    && live.server.leakTracker().uncollected().size() == 1);
            PrometheusText scrape = admin.scrape();
            assertThat(scrape.all(CALLS, "bundle", "probe", "version", "1")).isEmpty();
            assertThat(scrape.all(DURATION + "_count", "bundle", "probe", "version", "1")).isEmpty();
            assertThat(scrape.value(IN_FLIGHT, "bundle", "probe", "version", "2")).isZero();
            assertThat(scrape.value(CALLS, "method", "version()", "version", "2", "status", "OK")).isPositive();
            assertThat(scrape.value("swivel_drain_duration_seconds_count", "bundle", "probe")).isEqualTo(1);
            assertThat(scrape.value("swivel_drain_duration_seconds_sum", "bundle", "probe"))
                    .as("the drain waited for the held call until the timeout").isBetween(0.45, 10.0);
            assertThat(scrape.value("swivel_swap_duration_seconds_count", "bundle", "probe")).isEqualTo(2);
            assertThat(scrape.value("swivel_swap_duration_seconds_bucket", "bundle", "probe", "le", "+Inf")).isEqualTo(2);
            assertThat(scrape.value("swivel_deployments_total", "bundle", "probe", "result", "success")).isEqualTo(2);

            // the gauge reads the server's leak tracker: 1 while the closed loader waits for a
            // collection (classes are unloaded by a full collection only), 0 once collected
            await().atMost(WITHIN).until(() -> {
                int before = live.server.leakTracker().uncollected().size();
                double gauge = admin.scrape().value("swivel_loaders_closed_not_collected");
                return before == 1 && gauge == 1 && live.server.leakTracker().uncollected().size() == 1;
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                System.gc();
                return admin.scrape().value("swivel_loaders_closed_not_collected") == 0;
            });
            assertThat(live.server.leakTracker().uncollected()).as("no meter pinned the unloaded version").isEmpty();
        }
    }

    @Test
    void deploymentsFailuresAndRollbacksAreCountedWithTheirCause() throws Exception {
        Path probe1 = ProbeBundles.build(root.resolve("work"), root.resolve("work/p1.jar"), Options.healthy("1"));
        Path probe2 = ProbeBundles.build(root.resolve("work"), root.resolve("work/p2.jar"), new Options("2", false, 1, true));
        try (LiveServer live = LiveServer.start(root, c -> c.probation = Duration.ofMinutes(5))) {
            AdminHttp admin = new AdminHttp(live.server);
            Greeter greeter = live.proxy(Greeter.class);
            live.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> greeter.greet("Ada").equals("Hello, Ada (v1)"));
            live.moveIn(TestBundles.jar("greeter-v2"), "greeter.jar");
            await().atMost(WITHIN).until(() -> greeter.greet("Ada").equals("Hello, Ada (v2)"));
            live.moveIn(TestBundles.jar("greeter-broken"), "greeter.jar");
            await().atMost(WITHIN).until(() -> Files.exists(live.marker("greeter.jar", ".failed")));
            assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v2)");
            LiveServer.Cli rollback = live.cli("rollback", "greeter");
            assertThat(rollback.status()).as(rollback.err()).isZero();
            assertThat(greeter.greet("Ada")).isEqualTo("Hello, Ada (v1)");

            // a probe whose health fails in probation is rolled back by the server itself
            Probe probe = live.proxy(Probe.class);
            live.moveIn(probe1, "probe.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> probe.version().equals("1"));
            live.moveIn(probe2, "probe.jar");
            await().atMost(WITHIN).ignoreExceptions().until(() -> live.marker("probe.jar", ".rolledback").toFile().exists());

            PrometheusText scrape = admin.scrape();
            assertThat(scrape.value("swivel_deployments_total", "bundle", "greeter", "result", "success", "cause", "none"))
                    .isEqualTo(2);
            assertThat(scrape.value("swivel_deployments_total", "bundle", "greeter", "result", "failed",
                    "cause", "start_failed")).isEqualTo(1);
            assertThat(scrape.all("swivel_deployments_total", "bundle", "greeter", "result", "failed")).hasSize(1);
            assertThat(scrape.value("swivel_rollbacks_total", "bundle", "greeter", "cause", "admin")).isEqualTo(1);
            assertThat(scrape.value("swivel_rollbacks_total", "bundle", "probe", "cause", "probation")).isEqualTo(1);
            assertThat(scrape.value("swivel_swap_duration_seconds_count", "bundle", "greeter"))
                    .as("1.0.0, 2.0.0 and the rollback to 1.0.0").isEqualTo(3);
            assertThat(scrape.value("swivel_swap_duration_seconds_sum", "bundle", "greeter")).isPositive();
        }
    }

    @Test
    void theZooKeeperGaugeFollowsTheConnectionAndServicesListsTheCatalog() throws Exception {
        Path zkData = root.resolve("zookeeper");
        EmbeddedZooKeeper zookeeper = EmbeddedZooKeeper.start(zkData, "127.0.0.1", 0);
        String connect = zookeeper.connectString();
        int zkPort = Integer.parseInt(connect.substring(connect.lastIndexOf(':') + 1));
        EmbeddedZooKeeper restarted = null;
        try (LiveServer live = LiveServer.start(root.resolve("server"), c -> c.zookeeper = connect)) {
            AdminHttp admin = new AdminHttp(live.server);
            assertThat(admin.scrape().value("swivel_zookeeper_connected")).isEqualTo(1);
            live.moveIn(TestBundles.jar("greeter-v1"), "greeter.jar");
            ObjectMapper json = new ObjectMapper();
            await().atMost(WITHIN).untilAsserted(() -> {
                JsonNode answer = json.readTree(admin.send(admin.bearer("/v1/services")).body());
                assertThat(answer.path("zookeeper").asText()).isEqualTo(connect);
                assertThat(answer.path("connected").asBoolean()).isTrue();
                JsonNode instances = answer.path("services").path(TestBundles.GREETER);
                assertThat(instances).hasSize(1);
                JsonNode instance = instances.get(0);
                assertThat(instance.path("id").asText()).isEqualTo("127.0.0.1:" + live.server.rpcAddress().getPort());
                assertThat(instance.path("host").asText()).isEqualTo("127.0.0.1");
                assertThat(instance.path("port").asInt()).isEqualTo(live.server.rpcAddress().getPort());
                assertThat(instance.path("bundle").asText()).isEqualTo("greeter");
                assertThat(instance.path("version").asText()).isEqualTo("1.0.0");
                assertThat(instance.path("weight").asInt()).isEqualTo(100);
            });
            assertThat(admin.send(admin.request("/v1/services")).statusCode()).isEqualTo(401);

            zookeeper.close();
            await().atMost(WITHIN).until(() -> admin.scrape().value("swivel_zookeeper_connected") == 0);
            restarted = EmbeddedZooKeeper.start(zkData, "127.0.0.1", zkPort);
            await().atMost(Duration.ofSeconds(30)).until(() -> admin.scrape().value("swivel_zookeeper_connected") == 1);
        } finally {
            if (restarted != null) {
                restarted.close();
            }
            zookeeper.close();
        }
    }

    private static Status answer(RawClient raw, RequestFrame request) throws Exception {
        raw.send(request);
        ResponseFrame response = (ResponseFrame) raw.receive();
        assertThat(response.requestId()).isEqualTo(request.requestId());
        return response.status();
    }

    private static String[] concat(String[] labels, String... more) {
        String[] all = new String[labels.length + more.length];
        System.arraycopy(labels, 0, all, 0, labels.length);
        System.arraycopy(more, 0, all, labels.length, more.length);
        return all;
    }
}
