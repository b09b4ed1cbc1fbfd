package io.swivel.server.config;

/**
 * OpenTelemetry tracing of calls: off unless an OTLP endpoint is given here or through the
 * standard {@code OTEL_*} environment variables.
 *
 * @param otlpEndpoint where spans are exported over OTLP, or null
 */
public record Tracing(String otlpEndpoint) {

    /** Tracing off (unless {@code OTEL_*} variables turn it on). */
    public static final Tracing OFF = new Tracing(null);
}
