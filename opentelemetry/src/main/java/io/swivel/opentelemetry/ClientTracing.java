package io.swivel.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.swivel.client.ClientCall;
import io.swivel.client.ClientInterceptor;
import io.swivel.client.RemoteServiceException;
import io.swivel.client.SwivelException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ClientInterceptor} that traces each call in a {@link SpanKind#CLIENT} span and sends
 * its W3C {@code traceparent}/{@code tracestate} in the call's metadata. The parent is the span
 * current in OpenTelemetry's context; without one, inside a Swivel service method, the trace the
 * server forwarded for that call (so a bundle with its own copy of OpenTelemetry continues the
 * server's trace).
 *
 * <pre>{@code
 * SwivelClient client = SwivelClient.builder().address("127.0.0.1", 7700)
 *         .intercept(ClientTracing.create(openTelemetry))
 *         .build();
 * }</pre>
 */
public final class ClientTracing implements ClientInterceptor {

    private final Tracer tracer;
    private final TextMapPropagator propagator = W3CTraceContextPropagator.getInstance();

    private ClientTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer(RpcAttributes.INSTRUMENTATION);
    }

    /**
     * Creates the interceptor.
     *
     * @param openTelemetry where spans go
     * @return the interceptor
     */
    public static ClientTracing create(OpenTelemetry openTelemetry) {
        return new ClientTracing(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    }

    @Override
    public CompletableFuture<Object> intercept(ClientCall call, Next next) {
        Context parent = Context.current();
        if (!Span.fromContext(parent).getSpanContext().isValid()) {
            parent = propagator.extract(parent, call.metadata(), RpcAttributes.METADATA);
        }
        Span span = RpcAttributes.callSpan(tracer, parent, SpanKind.CLIENT, call.service(), call.methodName(), call.method())
                .startSpan();
        Context context = parent.with(span);
        propagator.inject(context, call, ClientCall::putMetadata);
        CompletableFuture<Object> result;
        try (Scope scope = context.makeCurrent()) {
            result = next.proceed();
        } catch (RuntimeException | Error e) {
            RpcAttributes.end(span, e, status(e));
            throw e;
        }
        return result.whenComplete((value, error) -> RpcAttributes.end(span, error, status(error)));
    }

    private static String status(Throwable error) {
        Throwable cause = RpcAttributes.unwrap(error);
        if (cause instanceof RemoteServiceException) {
            return "APP_ERROR";
        }
        return cause instanceof SwivelException swivel && swivel.status() != null ? swivel.status().name() : "ERROR";
    }

    @Override
    public String toString() {
        return "ClientTracing";
    }
}
