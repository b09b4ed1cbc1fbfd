package io.swivel.server.internal.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.OpenTelemetry;
import io.swivel.api.CallContext;
import io.swivel.api.ServerInterceptor;
import io.swivel.opentelemetry.ServerTracing;
import io.swivel.server.config.Tracing;
import io.swivel.testing.JarBuilder;
import io.swivel.testing.JavaSources;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's own interceptors: tracing first when configured (by the settings or the
 * {@code OTEL_*} variables), then the providers {@link java.util.ServiceLoader} finds on the class
 * path, from a jar built in the test; a broken provider stops the start with the reason.
 */
class ServerInterceptorsTest {

    @TempDir
    Path root;

    private ClassLoader classPathWith(String providerSource, String providerName, String listed) throws Exception {
        Path classes = root.resolve("classes");
        JavaSources.compile(classes, Map.of(providerName, providerSource), List.of());
        Path jar = new JarBuilder().addTree(classes)
                .add("META-INF/services/" + ServerInterceptor.class.getName(), (listed + "\n").getBytes(StandardCharsets.UTF_8))
                .write(root.resolve("audit.jar"));
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader());
    }

    @Test
    void providersOnTheClassPathRunAfterTracing() throws Exception {
        ClassLoader classPath = classPathWith("""
                package com.example.audit;
                public final class AuditInterceptor implements io.swivel.api.ServerInterceptor {
                    public Object intercept(io.swivel.api.CallContext call, Object[] args, Next next) throws Exception {
                        return "audited:" + next.proceed();
                    }
                }
                """, "com.example.audit.AuditInterceptor", "com.example.audit.AuditInterceptor");
        try (ServerInterceptors off = ServerInterceptors.load(Tracing.OFF, Map.of(), classPath);
             ServerInterceptors on = ServerInterceptors.load(Tracing.with(OpenTelemetry.noop()), Map.of(), classPath)) {
            assertThat(off.list()).singleElement().extracting(i -> i.getClass().getName())
                    .isEqualTo("com.example.audit.AuditInterceptor");
            assertThat(on.list()).hasSize(2);
            assertThat(on.list().get(0)).isInstanceOf(ServerTracing.class);
            CallContext call = CallContext.builder("s", "m()").build();
            assertThat(on.list().get(1).intercept(call, new Object[0], () -> "answer")).isEqualTo("audited:answer");
        }
    }

    @Test
    void aProviderThatCannotBeLoadedStopsTheStartWithTheReason() throws Exception {
        ClassLoader classPath = classPathWith("package com.example; public class Other { }", "com.example.Other",
                "com.example.Missing");
        assertThatThrownBy(() -> ServerInterceptors.load(Tracing.OFF, Map.of(), classPath))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot load a server interceptor listed in META-INF/services/io.swivel.api.ServerInterceptor")
                .hasMessageContaining("com.example.Missing");
    }

    @Test
    void tracingIsOffUnlessAnEndpointOrTheOtelVariablesAskForIt() {
        assertThat(Tracing.OFF.enabled(Map.of())).isFalse();
        assertThat(new Tracing("  ").enabled(Map.of())).isFalse();
        assertThat(new Tracing("http://127.0.0.1:4318").enabled(Map.of())).isTrue();
        assertThat(Tracing.OFF.enabled(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"))).isTrue();
        assertThat(Tracing.OFF.enabled(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/v1/traces"))).isTrue();
        assertThat(Tracing.OFF.enabled(Map.of("OTEL_TRACES_EXPORTER", "otlp"))).isTrue();
        assertThat(Tracing.OFF.enabled(Map.of("OTEL_TRACES_EXPORTER", "none",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"))).isFalse();
        assertThat(Tracing.OFF.enabled(Map.of("OTEL_SDK_DISABLED", "true",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317"))).isFalse();
        assertThat(Tracing.OFF.enabled(Map.of("OTEL_SERVICE_NAME", "x"))).isFalse();
    }

    @Test
    void anEndpointBuildsAnOtlpSdkThatClosesWithTheServer() {
        try (ServerInterceptors on = ServerInterceptors.load(new Tracing("http://127.0.0.1:1"), Map.of(),
                getClass().getClassLoader())) {
            assertThat(on.list()).singleElement().isInstanceOf(ServerTracing.class);
        }
    }
}
