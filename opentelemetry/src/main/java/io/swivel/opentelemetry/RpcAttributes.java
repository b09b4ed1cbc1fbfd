package io.swivel.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.Map;
import java.util.concurrent.CompletionException;

/** The attributes both span kinds carry (OpenTelemetry's RPC semantic conventions, plus Swivel's). */
final class RpcAttributes {

    static final String INSTRUMENTATION = "io.swivel";
    static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
    static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    static final AttributeKey<String> NETWORK_PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
    static final AttributeKey<Long> NETWORK_PEER_PORT = AttributeKey.longKey("network.peer.port");
    static final AttributeKey<String> SWIVEL_BUNDLE = AttributeKey.stringKey("swivel.bundle");
    static final AttributeKey<String> SWIVEL_VERSION = AttributeKey.stringKey("swivel.version");
    static final AttributeKey<String> SWIVEL_METHOD_KEY = AttributeKey.stringKey("swivel.method_key");
    static final AttributeKey<String> SWIVEL_STATUS = AttributeKey.stringKey("swivel.status");
    static final String SYSTEM = "swivel";

    /** Reads W3C trace context entries out of call metadata. */
    static final TextMapGetter<Map<String, String>> METADATA = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private RpcAttributes() {
    }

    static String spanName(String service, String methodName) {
        return service + "/" + methodName;
    }

    /**
     * A span of one call with the attributes both kinds carry ({@code rpc.*} and the method key),
     * for the caller to add its own to and start.
     */
    static SpanBuilder callSpan(Tracer tracer, Context parent, SpanKind kind, String service, String methodName,
                                String methodKey) {
        return tracer.spanBuilder(spanName(service, methodName))
                .setParent(parent)
                .setSpanKind(kind)
                .setAttribute(RPC_SYSTEM, SYSTEM)
                .setAttribute(RPC_SERVICE, service)
                .setAttribute(RPC_METHOD, methodName)
                .setAttribute(SWIVEL_METHOD_KEY, methodKey);
    }

    static String methodName(String methodKey) {
        int paren = methodKey.indexOf('(');
        return paren < 0 ? methodKey : methodKey.substring(0, paren);
    }

    /** Ends a span with the outcome: OK, or the error with its status. */
    static void end(Span span, Throwable error, String errorStatus) {
        if (error == null) {
            span.setAttribute(SWIVEL_STATUS, "OK");
        } else {
            Throwable cause = unwrap(error);
            span.setAttribute(SWIVEL_STATUS, errorStatus);
            span.setStatus(StatusCode.ERROR, String.valueOf(cause.getMessage()));
            span.recordException(cause);
        }
        span.end();
    }

    static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
