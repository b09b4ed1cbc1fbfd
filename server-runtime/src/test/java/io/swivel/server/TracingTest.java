package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.swivel.client.SwivelClient;
import io.swivel.opentelemetry.ClientTracing;
import io.swivel.server.config.Tracing;
import io.swivel.server.context.ContextBundles;
import io.swivel.server.context.Whoami;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One trace across client → server A → server B, on real servers on 127.0.0.1: the client's span,
 * server A's span continuing it, and server B's span continuing A's, reached by a Swivel client
 * that bundle A carries in its {@code lib/} (with no OpenTelemetry of its own: the trace goes on
 * through the metadata server A forwards). Spans are caught by the SDK's in-memory exporter.
 */
@Timeout(120)
class TracingTest {

    private static final Duration WITHIN = Duration.ofSeconds(20);

    @TempDir
    Path root;

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .build();

    @AfterEach
    void closeSdk() {
        sdk.close();
    }

    @Test
    void oneTraceGoesFromTheClientThroughServerAToServerB() throws Exception {
        try (LiveServer b = LiveServer.start(root.resolve("b"), c -> c.tracing = Tracing.with(sdk));
             LiveServer a = LiveServer.start(root.resolve("a"), c -> c.tracing = Tracing.with(sdk))) {
            b.moveIn(ContextBundles.build(root.resolve("work-b"), "2.0.0", false, false, Map.of()), "whoami.jar");
            a.moveIn(ContextBundles.build(root.resolve("work-a"), "1.0.0", false, true, Map.of()), "whoami.jar");
            await().atMost(WITHIN).until(() -> CallContextTest.active(a) && CallContextTest.active(b));
            spans.reset();

            String describedByB;
            try (SwivelClient client = SwivelClient.builder().address("127.0.0.1", a.server.rpcAddress().getPort())
                    .intercept(ClientTracing.create(sdk)).build();
                 var timeout = SwivelClient.withTimeout(Duration.ofSeconds(30))) {
                describedByB = client.proxy(Whoami.class).relay(b.server.rpcAddress().getPort());
            }
            assertThat(describedByB).contains("bundle=whoami@2.0.0");

            await().atMost(WITHIN).until(() -> spans.getFinishedSpanItems().size() >= 3);
            List<SpanData> finished = spans.getFinishedSpanItems();
            assertThat(finished).hasSize(3);
            SpanData client = only(finished, SpanKind.CLIENT, "relay");
            SpanData serverA = only(finished, SpanKind.SERVER, "relay");
            SpanData serverB = only(finished, SpanKind.SERVER, "describe");

            String trace = client.getTraceId();
            assertThat(serverA.getTraceId()).isEqualTo(trace);
            assertThat(serverB.getTraceId()).isEqualTo(trace);
            assertThat(client.getParentSpanContext().isValid()).as("the client span starts the trace").isFalse();
            assertThat(serverA.getParentSpanId()).isEqualTo(client.getSpanId());
            assertThat(serverA.getParentSpanContext().isRemote()).isTrue();
            assertThat(serverB.getParentSpanId()).isEqualTo(serverA.getSpanId());
            assertThat(describedByB).contains("traceparent=00-" + trace + "-" + serverA.getSpanId() + "-0");

            assertThat(client.getName()).isEqualTo(Whoami.class.getName() + "/relay");
            assertThat(client.getAttributes().get(AttributeKey.stringKey("rpc.system"))).isEqualTo("swivel");
            assertThat(client.getAttributes().get(AttributeKey.stringKey("rpc.service"))).isEqualTo(Whoami.class.getName());
            assertThat(client.getAttributes().get(AttributeKey.stringKey("swivel.status"))).isEqualTo("OK");

            assertThat(serverA.getName()).isEqualTo(Whoami.class.getName() + "/relay");
            assertThat(serverA.getAttributes().get(AttributeKey.stringKey("rpc.method"))).isEqualTo("relay");
            assertThat(serverA.getAttributes().get(AttributeKey.stringKey("swivel.bundle"))).isEqualTo("whoami");
            assertThat(serverA.getAttributes().get(AttributeKey.stringKey("swivel.version"))).isEqualTo("1.0.0");
            assertThat(serverA.getAttributes().get(AttributeKey.stringKey("network.peer.address"))).isEqualTo("127.0.0.1");
            assertThat(serverB.getAttributes().get(AttributeKey.stringKey("swivel.version"))).isEqualTo("2.0.0");
            assertThat(serverB.getAttributes().get(AttributeKey.stringKey("rpc.service"))).isEqualTo(Whoami.class.getName());
            assertThat(serverB.getAttributes().get(AttributeKey.stringKey("swivel.method_key"))).isEqualTo("describe()");
            assertThat(serverB.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        }
    }

    @Test
    void aFailedCallEndsItsSpansWithTheError() throws Exception {
        try (LiveServer a = LiveServer.start(root.resolve("a"), c -> c.tracing = Tracing.with(sdk))) {
            a.moveIn(ContextBundles.build(root.resolve("work-a"), "1.0.0", true, false, Map.of()), "whoami.jar");
            await().atMost(WITHIN).until(() -> CallContextTest.active(a));
            try (SwivelClient client = SwivelClient.builder().address("127.0.0.1", a.server.rpcAddress().getPort())
                    .intercept(ClientTracing.create(sdk)).build()) {
                spans.reset();
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.proxy(Whoami.class).tenant("x"))
                        .hasMessageContaining("no tenant");
            }
            await().atMost(WITHIN).until(() -> spans.getFinishedSpanItems().size() >= 2);
            SpanData server = only(spans.getFinishedSpanItems(), SpanKind.SERVER, "tenant");
            SpanData client = only(spans.getFinishedSpanItems(), SpanKind.CLIENT, "tenant");
            assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(server.getAttributes().get(AttributeKey.stringKey("swivel.status"))).isEqualTo("BAD_REQUEST");
            assertThat(client.getAttributes().get(AttributeKey.stringKey("swivel.status"))).isEqualTo("BAD_REQUEST");
            assertThat(server.getParentSpanId()).isEqualTo(client.getSpanId());
        }
    }

    private static SpanData only(List<SpanData> spans, SpanKind kind, String method) {
        List<SpanData> matching = spans.stream()
                .filter(s -> s.getKind() == kind && method.equals(s.getAttributes().get(AttributeKey.stringKey("rpc.method"))))
                .toList();
        assertThat(matching).as(kind + " span of " + method + " in " + spans).hasSize(1);
        return matching.get(0);
    }
}
