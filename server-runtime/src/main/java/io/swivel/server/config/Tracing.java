package io.swivel.server.config;

import io.opentelemetry.api.OpenTelemetry;
import java.util.Map;

/**
 * OpenTelemetry tracing of calls: off unless an OTLP endpoint is given here ({@code --otlp-endpoint},
 * {@code otlp-endpoint} in the configuration file, {@code SWIVEL_OTLP_ENDPOINT}), the standard
 * {@code OTEL_*} environment variables ask for traces, or a server built in code is given its own
 * {@link OpenTelemetry}.
 *
 * @param otlpEndpoint where spans are exported over OTLP ({@code http://host:4318} for
 *     {@code http/protobuf}, the default protocol), or null
 * @param openTelemetry the OpenTelemetry to trace with instead of one built from the settings (a
 *     test's SDK with an in-memory exporter, an application's own), or null
 */
public record Tracing(String otlpEndpoint, OpenTelemetry openTelemetry) {

    /** Tracing off (unless {@code OTEL_*} variables turn it on). */
    public static final Tracing OFF = new Tracing(null, null);

    /**
     * Tracing exported over OTLP to an endpoint, or off.
     *
     * @param otlpEndpoint the endpoint, or null (or blank) for off unless {@code OTEL_*} variables turn it on
     */
    public Tracing(String otlpEndpoint) {
        this(otlpEndpoint, null);
    }

    /**
     * Normalises a blank endpoint to none.
     *
     * @param otlpEndpoint the endpoint or null
     * @param openTelemetry the OpenTelemetry or null
     */
    public Tracing {
        if (otlpEndpoint != null && otlpEndpoint.isBlank()) {
            otlpEndpoint = null;
        }
    }

    /**
     * Tracing with a given OpenTelemetry.
     *
     * @param openTelemetry where spans go
     * @return the settings
     */
    public static Tracing with(OpenTelemetry openTelemetry) {
        return new Tracing(null, java.util.Objects.requireNonNull(openTelemetry, "openTelemetry"));
    }

    /**
     * Whether the server traces calls with these settings in this environment.
     *
     * @param environment the process's environment ({@link System#getenv()})
     * @return true if an OpenTelemetry or an endpoint is given, or the {@code OTEL_*} variables ask for
     *     traces (an OTLP endpoint, or a traces exporter other than {@code none}) and do not disable the SDK
     */
    public boolean enabled(Map<String, String> environment) {
        if (openTelemetry != null || otlpEndpoint != null) {
            return true;
        }
        if ("true".equalsIgnoreCase(environment.get("OTEL_SDK_DISABLED"))) {
            return false;
        }
        String exporter = environment.get("OTEL_TRACES_EXPORTER");
        if (exporter != null && !exporter.isBlank()) {
            return !exporter.trim().equalsIgnoreCase("none");
        }
        return isSet(environment.get("OTEL_EXPORTER_OTLP_ENDPOINT"))
                || isSet(environment.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}
