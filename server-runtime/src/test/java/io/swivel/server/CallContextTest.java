package io.swivel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.swivel.api.CallContext;
import io.swivel.client.ClientInterceptor;
import io.swivel.client.MetadataScope;
import io.swivel.client.SwivelClient;
import io.swivel.client.SwivelException;
import io.swivel.protocol.RequestFrame;
import io.swivel.protocol.ResponseFrame;
import io.swivel.protocol.Status;
import io.swivel.protocol.kryo.SerializationContext;
import io.swivel.protocol.kryo.TypeAllowlist;
import io.swivel.server.context.ContextBundles;
import io.swivel.server.context.Whoami;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Call metadata and {@link CallContext} end to end: a client's metadata reaches the service method
 * of a bundle built in the test (on the worker pool and with {@code Swivel-Dispatch: direct}), with
 * the deadline, the caller's address and the bundle version; nothing of one call is seen by the
 * next; the limits refuse with {@code BAD_REQUEST} and the connection goes on; a bundle's
 * interceptor refuses calls without a tenant; a client interceptor adds one.
 */
@Timeout(90)
class CallContextTest {

    private static final Duration WITHIN = Duration.ofSeconds(15);

    @TempDir
    Path root;

    private LiveServer serve(boolean requireTenant, Map<String, String> attributes) throws Exception {
        LiveServer live = LiveServer.start(root, c -> c.workerThreads = 2);
        try {
            live.moveIn(ContextBundles.build(root.resolve("work"), "1.0.0", requireTenant, false, attributes), "whoami.jar");
            await().atMost(WITHIN).until(() -> active(live));
            return live;
        } catch (Exception | AssertionError e) {
            live.close();
            throw e;
        }
    }

    static boolean active(LiveServer live) {
        return live.server.deployer().status(ContextBundles.BUNDLE).map(view -> view.active() != null).orElse(false);
    }

    private static Map<String, String> parse(String description) {
        Map<String, String> fields = new HashMap<>();
        for (String field : description.split(";")) {
            int eq = field.indexOf('=');
            fields.put(field.substring(0, eq), field.substring(eq + 1));
        }
        return fields;
    }

    @ParameterizedTest(name = "Swivel-Dispatch: {0}")
    @ValueSource(strings = {"pool", "direct"})
    void theServiceReadsTheCallsMetadataAndContextAndNothingLeaksToTheNextCall(String dispatch) throws Exception {
        try (LiveServer live = serve(false, Map.of("Swivel-Dispatch", dispatch))) {
            Whoami whoami = live.proxy(Whoami.class);
            Map<String, String> described;
            try (MetadataScope scope = SwivelClient.withMetadata("tenant", "acme");
                 var timeout = SwivelClient.withTimeout(Duration.ofSeconds(30))) {
                described = parse(whoami.describe());
            }
            assertThat(described).containsEntry("tenant", "acme")
                    .containsEntry("bundle", "whoami@1.0.0")
                    .containsEntry("service", Whoami.class.getName() + "#describe()")
                    .containsEntry("remote", "127.0.0.1")
                    .containsEntry("deadline", "true")
                    .containsEntry("peer", "none")
                    .containsEntry("traceparent", "null");
            assertThat(described.get("thread")).startsWith(dispatch.equals("direct") ? "swivel-rpc-io-" : "swivel-whoami-1.0.0-call-");

            // Many calls without metadata on the same few threads: none sees the earlier tenant.
            for (int i = 0; i < 50; i++) {
                try (MetadataScope scope = SwivelClient.withMetadata("tenant", "t" + i)) {
                    assertThat(whoami.tenant("with")).isEqualTo("with:t" + i);
                }
                assertThat(whoami.tenant("without")).isEqualTo("without:none");
            }
            assertThat(whoami.describeAsync().get(10, TimeUnit.SECONDS)).contains("tenant=null");
            assertThat(CallContext.find()).as("the caller's thread has no call context").isEmpty();
        }
    }

    @Test
    void scopesNestAndAnInnerEntryWins() throws Exception {
        try (LiveServer live = serve(false, Map.of())) {
            Whoami whoami = live.proxy(Whoami.class);
            try (MetadataScope outer = SwivelClient.withMetadata(Map.of("tenant", "outer", "region", "eu"))) {
                try (MetadataScope inner = SwivelClient.withMetadata("tenant", "inner")) {
                    assertThat(whoami.tenant("x")).isEqualTo("x:inner");
                    assertThat(MetadataScope.current()).containsEntry("region", "eu");
                }
                assertThat(whoami.tenant("x")).isEqualTo("x:outer");
            }
            assertThat(MetadataScope.current()).isNull();
            assertThatThrownBy(() -> SwivelClient.withMetadata("Tenant", "x"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("may hold only a-z");
        }
    }

    @Test
    void metadataPastTheLimitsIsRefusedBadRequestOnBothSidesAndTheConnectionGoesOn() throws Exception {
        try (LiveServer live = serve(false, Map.of())) {
            Whoami whoami = live.proxy(Whoami.class);
            Map<String, String> many = new HashMap<>();
            for (int i = 0; i < 65; i++) {
                many.put("k" + i, "v");
            }
            try (MetadataScope scope = SwivelClient.withMetadata(many)) {
                assertThatThrownBy(whoami::describe).isInstanceOf(SwivelException.class)
                        .hasMessageContaining("not sent: call metadata has 65 entries, more than the limit of 64")
                        .extracting(e -> ((SwivelException) e).status()).isEqualTo(Status.BAD_REQUEST);
            }
            try (MetadataScope scope = SwivelClient.withMetadata("big", "x".repeat(9000))) {
                assertThatThrownBy(whoami::describe).hasMessageContaining("more than the limit of 8192 bytes");
            }

            // A peer that does not check: the server refuses before decoding an entry, and answers the next call.
            SerializationContext kryo = SerializationContext.create(Whoami.class.getClassLoader(),
                    TypeAllowlist.forServices(List.of(Whoami.class)), 1 << 20);
            try (RawClient raw = new RawClient(live.server.rpcAddress())) {
                raw.send(new RequestFrame(1, Whoami.class.getName(), "tenant(java.lang.String)", "", 5000, many,
                        kryo.encode("x")));
                ResponseFrame refused = (ResponseFrame) raw.receive();
                assertThat(refused.status()).isEqualTo(Status.BAD_REQUEST);
                assertThat(refused.bodyAsMessage()).isEqualTo(Whoami.class.getName() + "#tenant(java.lang.String) not run: "
                        + "call metadata of 65 entries and " + blockBytes(many) + " bytes exceeds the server's limit of 64 "
                        + "entries and 8192 bytes per call (--max-metadata-entries, --max-metadata-bytes)");

                raw.send(new RequestFrame(2, Whoami.class.getName(), "tenant(java.lang.String)", "", 5000,
                        Map.of("tenant", "raw"), kryo.encode("y")));
                ResponseFrame ok = (ResponseFrame) raw.receive();
                assertThat(ok.status()).isEqualTo(Status.OK);
                assertThat(kryo.decodeResult(ok.body(), String.class, io.swivel.protocol.kryo.DecodeBudget.defaults()))
                        .isEqualTo("y:raw");
            }
        }
    }

    private static int blockBytes(Map<String, String> metadata) {
        int bytes = 2;
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            bytes += 4 + entry.getKey().length() + entry.getValue().length();
        }
        return bytes;
    }

    @Test
    void aBundlesInterceptorRefusesCallsWithoutATenantAndSeesServiceMethodAndArguments() throws Exception {
        try (LiveServer live = serve(true, Map.of())) {
            Whoami whoami = live.proxy(Whoami.class);
            assertThatThrownBy(() -> whoami.tenant("nobody")).isInstanceOf(SwivelException.class)
                    .hasMessageContaining("BAD_REQUEST: no tenant in the call's metadata")
                    .extracting(e -> ((SwivelException) e).status()).isEqualTo(Status.BAD_REQUEST);
            try (MetadataScope scope = SwivelClient.withMetadata("tenant", "acme")) {
                assertThat(whoami.tenant("somebody")).isEqualTo("somebody:acme");
                assertThat(whoami.describeAsync().get(10, TimeUnit.SECONDS)).contains("tenant=acme");
                assertThat(whoami.seen()).contains(Whoami.class.getName() + "#tenant(java.lang.String) args=[nobody] tenant=null on swivel-whoami-1.0.0-call-")
                        .contains("#tenant(java.lang.String) args=[somebody] tenant=acme on swivel-whoami-1.0.0-call-")
                        .contains("#describeAsync() args=[] tenant=acme");
            }
            // A refusal is not a failure of the version: probation does not count it.
            assertThat(live.status(ContextBundles.BUNDLE).active().failedCalls()).isZero();
        }
    }

    @Test
    void aClientInterceptorAddsTheTenantOnBlockingAndAsyncCallsAndItsCallbacksRunOffTheNetworkThreads() throws Exception {
        try (LiveServer live = serve(true, Map.of())) {
            List<String> callbackThreads = new CopyOnWriteArrayList<>();
            ClientInterceptor tenant = (call, next) -> {
                call.putMetadata("tenant", "from-interceptor");
                return next.proceed().whenComplete((result, error) -> callbackThreads.add(
                        call.methodName() + "@" + Thread.currentThread().getName()));
            };
            ClientInterceptor refuseNothing = (call, next) -> next.proceed();
            try (SwivelClient client = SwivelClient.builder().address("127.0.0.1", live.server.rpcAddress().getPort())
                    .intercept(tenant).intercept(refuseNothing).build()) {
                Whoami whoami = client.proxy(Whoami.class);
                assertThat(whoami.tenant("a")).isEqualTo("a:from-interceptor");
                assertThat(whoami.describeAsync().get(10, TimeUnit.SECONDS)).contains("tenant=from-interceptor");
                await().atMost(WITHIN).until(() -> callbackThreads.size() == 2);
                assertThat(callbackThreads.get(0)).isEqualTo("tenant@" + Thread.currentThread().getName());
                assertThat(callbackThreads.get(1)).startsWith("describeAsync@swivel-client-callback-");
            }
            try (SwivelClient client = SwivelClient.builder().address("127.0.0.1", live.server.rpcAddress().getPort())
                    .intercept((call, next) -> {
                        throw new SwivelException(Status.BAD_REQUEST, "refused by the client: " + call.method(), null);
                    }).build()) {
                assertThatThrownBy(() -> client.proxy(Whoami.class).tenant("never-sent"))
                        .hasMessageContaining("refused by the client: tenant(java.lang.String)");
                try (MetadataScope scope = SwivelClient.withMetadata("tenant", "acme")) {
                    assertThat(live.proxy(Whoami.class).seen()).contains("args=[a]").doesNotContain("args=[never-sent]");
                }
            }
        }
    }

    @Test
    void aClientInterceptorThatWaitsOnItsBlockingCallsFutureFailsAtOnceInsteadOfHanging() throws Exception {
        try (LiveServer live = serve(true, Map.of())) {
            try (SwivelClient client = SwivelClient.builder().address("127.0.0.1", live.server.rpcAddress().getPort())
                    .intercept((call, next) -> {
                        call.putMetadata("tenant", "waiter");
                        Object result = "first".equals(call.arguments()[0])
                                ? next.proceed().join() // the mistake: this thread completes that future, later
                                : next.proceed().thenApply(value -> value).join(); // a future derived from it, the same
                        return CompletableFuture.completedFuture(result);
                    }).build()) {
                Whoami whoami = client.proxy(Whoami.class);
                for (String argument : List.of("first", "second")) {
                    CompletableFuture<Throwable> thrown = CompletableFuture.supplyAsync(() -> {
                        try {
                            return new AssertionError("answered " + whoami.tenant(argument));
                        } catch (Throwable refused) {
                            return refused;
                        }
                    });
                    assertThat(thrown.get(30, TimeUnit.SECONDS)).as(argument)
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("inside a client interceptor of a blocking call",
                                    "compose on it (whenComplete, thenApply) instead");
                }
            }
        }
    }
}
