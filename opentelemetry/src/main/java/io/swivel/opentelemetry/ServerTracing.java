package io.swivel.opentelemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.swivel.api.CallContext;
import io.swivel.api.CallRefusedException;
import io.swivel.api.ServerInterceptor;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link ServerInterceptor} that traces each call in a {@link SpanKind#SERVER} span continuing
 * the caller's trace (the W3C {@code traceparent}/{@code tracestate} entries of its metadata), with
 * the RPC semantic-convention attributes ({@code rpc.system=swivel}, {@code rpc.service},
 * {@code rpc.method}, {@code network.peer.*}) plus {@code swivel.bundle}, {@code swivel.version}
 * and {@code swivel.status}. The span is current in OpenTelemetry's context while the method runs,
 * and its trace context is {@linkplain CallContext#forward forwarded}, so Swivel calls the method
 * makes continue the trace even from a bundle that has its own copy of OpenTelemetry or none.
 * The Swivel server installs it when tracing is configured.
 */
public final class ServerTracing implements ServerInterceptor {

    private final Tracer tracer;
    private final TextMapPropagator propagator = W3CTraceContextPropagator.getInstance();

    private ServerTracing(OpenTelemetry openTelemetry) {
        this.tracer = openTelemetry.getTracer(RpcAttributes.INSTRUMENTATION);
    }

    /**
     * Creates the interceptor.
     *
     * @param openTelemetry where spans go
     * @return the interceptor
     */
    public static ServerTracing create(OpenTelemetry openTelemetry) {
        return new ServerTracing(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    }

    @Override
    public Object intercept(CallContext call, Object[] arguments, Next next) throws Exception {
        Context parent = propagator.extract(Context.root(), call.metadata(), RpcAttributes.METADATA);
        SpanBuilder builder = RpcAttributes.callSpan(tracer, parent, SpanKind.SERVER, call.service(), call.methodName(),
                        call.method())
                .setAttribute(RpcAttributes.SWIVEL_BUNDLE, call.bundleName())
                .setAttribute(RpcAttributes.SWIVEL_VERSION, call.bundleVersion());
        InetSocketAddress peer = call.remoteAddress().orElse(null);
        if (peer != null && peer.getAddress() != null) {
            builder.setAttribute(RpcAttributes.NETWORK_PEER_ADDRESS, peer.getAddress().getHostAddress())
                    .setAttribute(RpcAttributes.NETWORK_PEER_PORT, (long) peer.getPort());
        }
        Span span = builder.startSpan();
        Context context = parent.with(span);
        propagator.inject(context, call, CallContext::forward);
        Object result;
        try (Scope scope = context.makeCurrent()) {
            result = next.proceed();
        } catch (Exception | Error e) {
            RpcAttributes.end(span, e, status(e));
            throw e;
        }
        if (result instanceof CompletableFuture<?> future) {
            future.whenComplete((value, error) -> RpcAttributes.end(span, error, status(error)));
        } else {
            RpcAttributes.end(span, null, null);
        }
        return result;
    }

    private static String status(Throwable error) {
        Throwable cause = RpcAttributes.unwrap(error);
        return cause instanceof CallRefusedException refused ? refused.status().name() : "APP_ERROR";
    }

    @Override
    public String toString() {
        return "ServerTracing";
    }
}
