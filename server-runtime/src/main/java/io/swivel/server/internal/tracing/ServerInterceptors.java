package io.swivel.server.internal.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.swivel.api.ServerInterceptor;
import io.swivel.opentelemetry.ServerTracing;
import io.swivel.server.config.Tracing;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interceptors a server runs around every call, outermost first: its tracing when configured,
 * then every {@link ServerInterceptor} that {@link ServiceLoader} finds on the server's class path
 * ({@code META-INF/services/io.swivel.api.ServerInterceptor} in a jar of {@code lib/}). Owns the
 * OpenTelemetry SDK it built, and flushes and closes it with the server.
 */
public final class ServerInterceptors implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServerInterceptors.class);

    private final List<ServerInterceptor> interceptors;
    private final OpenTelemetrySdk owned;

    private ServerInterceptors(List<ServerInterceptor> interceptors, OpenTelemetrySdk owned) {
        this.interceptors = List.copyOf(interceptors);
        this.owned = owned;
    }

    /**
     * Builds the server's interceptors.
     *
     * @param tracing the tracing settings
     * @param environment the process's environment, for the {@code OTEL_*} variables
     * @param classPath where providers of {@link ServerInterceptor} are looked for
     * @return the interceptors
     * @throws IllegalStateException if a provider cannot be loaded or instantiated
     */
    public static ServerInterceptors load(Tracing tracing, Map<String, String> environment, ClassLoader classPath) {
        List<ServerInterceptor> all = new ArrayList<>();
        OpenTelemetrySdk owned = null;
        if (tracing.enabled(environment)) {
            OpenTelemetry openTelemetry = tracing.openTelemetry();
            if (openTelemetry == null) {
                owned = autoConfigured(tracing.otlpEndpoint());
                openTelemetry = owned;
            }
            all.add(ServerTracing.create(openTelemetry));
            log.info("tracing calls with OpenTelemetry, exporting {}", tracing.openTelemetry() != null ? "where the "
                    + "given OpenTelemetry does" : "over OTLP to " + (tracing.otlpEndpoint() != null
                    ? tracing.otlpEndpoint() : "what the OTEL_* variables say"));
        }
        try {
            for (ServerInterceptor interceptor : ServiceLoader.load(ServerInterceptor.class, classPath)) {
                all.add(interceptor);
                log.info("server interceptor {} ({}) runs around every call", interceptor,
                        interceptor.getClass().getName());
            }
        } catch (ServiceConfigurationError e) {
            if (owned != null) {
                owned.close();
            }
            throw new IllegalStateException("cannot load a server interceptor listed in META-INF/services/"
                    + ServerInterceptor.class.getName() + " on the server's class path: " + e.getMessage(), e);
        }
        return new ServerInterceptors(all, owned);
    }

    /**
     * The SDK from the {@code OTEL_*} variables and system properties, the endpoint given winning over
     * them. OTLP goes over {@code http/protobuf} (the JDK's HttpClient sender); {@code grpc} would need
     * a gRPC sender that the distribution does not ship.
     */
    private static OpenTelemetrySdk autoConfigured(String endpoint) {
        return AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> Map.of(
                        "otel.service.name", "swivel",
                        "otel.exporter.otlp.protocol", "http/protobuf", // the JDK sender speaks HTTP only
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none"))
                .addPropertiesCustomizer(config -> endpoint == null ? Map.of() : Map.of(
                        "otel.traces.exporter", "otlp",
                        "otel.exporter.otlp.endpoint", endpoint))
                .build()
                .getOpenTelemetrySdk();
    }

    /** @return the interceptors, outermost first */
    public List<ServerInterceptor> list() {
        return interceptors;
    }

    /** Flushes and closes the SDK this built, if any. Idempotent. */
    @Override
    public void close() {
        if (owned != null) {
            owned.close();
        }
    }
}
