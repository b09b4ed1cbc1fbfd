package io.swivel.server.internal.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.swivel.protocol.MethodKeys;
import io.swivel.protocol.RemoteError;
import io.swivel.protocol.Status;
import io.swivel.server.internal.bundle.BundleGeneration;
import io.swivel.server.internal.bundle.Invoker;
import io.swivel.server.internal.dispatch.CallSink;
import io.swivel.server.internal.dispatch.Dispatcher;
import io.swivel.server.internal.dispatch.ServiceDirectory;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /v1/call}: one call from the shell. Converts JSON arguments to the method's
 * parameter types with the bundle's classloader, calls through the same {@link Dispatcher}
 * as the wire protocol, and answers the result as JSON. Asynchronous: no admin thread waits for
 * the bundle; {@link AdminServer} bounds how many run at once.
 *
 * <p>Request: {@code {"service": "...", "method": "greet" or "greet(java.lang.String)",
 * "args": [...]}}. Answer: {@code {"status": "OK", "bundle": ..., "version": ..., "result": ...}}
 * or {@code {"status": "<STATUS>", "message": ...}}.
 */
final class CallResource {

    static final long CALL_TIMEOUT_MILLIS = 30_000;

    private final ServiceDirectory directory;
    private final Dispatcher dispatcher;
    private final ObjectMapper mapper;

    CallResource(ServiceDirectory directory, Dispatcher dispatcher, ObjectMapper mapper) {
        this.directory = directory;
        this.dispatcher = dispatcher;
        this.mapper = mapper;
    }

    /** The HTTP status and JSON body of an answer. */
    record Answer(int httpStatus, Object body) {
    }

    /**
     * Starts one call; never waits for it. Answers at once what it can tell without the bundle
     * (not JSON, no such service or method); otherwise the answer comes when the bundle's executor
     * has run the call, or as {@code DEADLINE_EXCEEDED} after {@value #CALL_TIMEOUT_MILLIS} ms.
     *
     * @param requestBody the JSON request
     * @return the answer, complete or to come
     */
    CompletableFuture<Answer> call(byte[] requestBody) {
        JsonNode request;
        try {
            request = mapper.readTree(requestBody);
        } catch (java.io.IOException e) {
            return now(Status.BAD_REQUEST, "the request is not JSON: " + firstLine(e.getMessage()));
        }
        if (request == null || !request.path("service").isTextual() || !request.path("method").isTextual()) {
            return now(Status.BAD_REQUEST, "expected {\"service\": \"...\", \"method\": \"...\", \"args\": [...]}");
        }
        String service = request.get("service").asText();
        String method = request.get("method").asText();
        JsonNode argsNode = request.path("args");
        ArrayNode args;
        if (argsNode.isMissingNode() || argsNode.isNull()) {
            args = mapper.createArrayNode();
        } else if (argsNode.isArray()) {
            args = (ArrayNode) argsNode;
        } else {
            args = mapper.createArrayNode().add(argsNode);
        }
        BundleGeneration generation = directory.find(service);
        if (generation == null) {
            return notFound(service, method, args, "no service " + service + " here; services: " + directory.serviceNames());
        }
        List<String> methodKeys = generation.methodKeys(service);
        List<String> matches = new ArrayList<>();
        for (String key : methodKeys) {
            if (key.equals(method) || (MethodKeys.name(key).equals(method)
                    && generation.invoker(service, key).parameterCount() == args.size())) {
                matches.add(key);
            }
        }
        if (matches.isEmpty()) {
            return notFound(service, method, args, "no method " + method + " taking " + args.size() + " arguments in "
                    + service + "; methods: " + methodKeys);
        }
        if (matches.size() > 1) {
            return now(Status.BAD_REQUEST, method + " is ambiguous; name one of " + matches);
        }
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        dispatcher.dispatch(service, matches.get(0), System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CALL_TIMEOUT_MILLIS),
                (target, invoker, budget) -> convertArgs(target, invoker, args), new HttpSink(answer));
        return answer.completeOnTimeout(error(Status.DEADLINE_EXCEEDED, service + "#" + matches.get(0)
                + " did not answer within " + CALL_TIMEOUT_MILLIS + " ms"), CALL_TIMEOUT_MILLIS + 1000, TimeUnit.MILLISECONDS);
    }

    /**
     * A call to a service or method that is not here still goes through the dispatcher, which
     * answers it {@code NOT_FOUND} and counts it in {@code swivel_calls_total} as the same call over
     * the wire; the answer keeps the message naming what there is instead.
     */
    private CompletableFuture<Answer> notFound(String service, String method, ArrayNode args, String message) {
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        HttpSink sink = new HttpSink(answer);
        dispatcher.dispatch(service, method, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CALL_TIMEOUT_MILLIS),
                (target, invoker, budget) -> convertArgs(target, invoker, args), new CallSink() {
                    @Override
                    public void ok(BundleGeneration generation, Object result) {
                        sink.ok(generation, result); // deployed meanwhile, and asked by its full key
                    }

                    @Override
                    public void appError(Throwable error) {
                        sink.appError(error);
                    }

                    @Override
                    public void fail(Status status, String reason) {
                        sink.fail(status, status == Status.NOT_FOUND ? message : reason);
                    }
                });
        return answer.completeOnTimeout(error(Status.DEADLINE_EXCEEDED, service + "#" + method + " did not answer within "
                + CALL_TIMEOUT_MILLIS + " ms"), CALL_TIMEOUT_MILLIS + 1000, TimeUnit.MILLISECONDS);
    }

    private static Object[] convertArgs(BundleGeneration generation, Invoker invoker, ArrayNode args) throws Exception {
        ObjectMapper bundleMapper = HttpJson.bundleMapper(generation.loader());
        Type[] types = invoker.genericParameterTypes();
        Object[] values = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            try {
                values[i] = bundleMapper.convertValue(args.get(i), bundleMapper.constructType(types[i]));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("argument " + i + " is not a " + types[i].getTypeName() + ": "
                        + firstLine(e.getMessage()), e);
            }
        }
        return values;
    }

    private static String firstLine(String message) {
        int newline = message == null ? -1 : message.indexOf('\n');
        return newline < 0 ? String.valueOf(message) : message.substring(0, newline);
    }

    private static CompletableFuture<Answer> now(Status status, String message) {
        return CompletableFuture.completedFuture(error(status, message));
    }

    static Answer error(Status status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.name());
        body.put("message", message);
        return new Answer(httpStatus(status), body);
    }

    static int httpStatus(Status status) {
        return switch (status) {
            case OK -> 200;
            case NOT_FOUND -> 404;
            case BAD_REQUEST -> 400;
            case OVERLOADED, RELOADING -> 503;
            case DEADLINE_EXCEEDED -> 504;
            case APP_ERROR -> 502;
            case INTERNAL -> 500;
        };
    }

    /** Converts the outcome to JSON on the bundle's thread, with the bundle's loader. */
    private static final class HttpSink implements CallSink {

        private final CompletableFuture<Answer> answer;

        HttpSink(CompletableFuture<Answer> answer) {
            this.answer = answer;
        }

        @Override
        public void ok(BundleGeneration generation, Object result) {
            try {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("status", "OK");
                body.put("bundle", generation.name());
                body.put("version", generation.version());
                body.put("result", HttpJson.bundleMapper(generation.loader()).valueToTree(result));
                answer.complete(new Answer(200, body));
            } catch (IllegalArgumentException e) {
                answer.complete(error(Status.INTERNAL, "cannot convert the result to JSON: " + firstLine(e.getMessage())));
            }
        }

        @Override
        public void appError(Throwable error) {
            RemoteError remote = RemoteError.of(error);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", Status.APP_ERROR.name());
            body.put("type", remote.type());
            body.put("message", remote.message());
            body.put("remoteStack", remote.remoteStack());
            answer.complete(new Answer(httpStatus(Status.APP_ERROR), body));
        }

        @Override
        public void fail(Status status, String message) {
            answer.complete(error(status, message));
        }
    }
}
