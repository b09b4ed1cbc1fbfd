package io.swivel.server.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.util.LRUMap;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/** JSON in and out of the admin HTTP API. */
final class HttpJson {

    /** The largest request body read. */
    static final int MAX_BODY = 1024 * 1024;

    private HttpJson() {
    }

    /**
     * A mapper for the server's own types (no bundle classes pass through it).
     *
     * @return the mapper
     */
    static ObjectMapper serverMapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
    }

    /**
     * A mapper for one call into a bundle: resolves types through the bundle's loader and has
     * its own caches, so it pins nothing of the bundle once dropped.
     *
     * @param loader the bundle's loader
     * @return a fresh mapper
     */
    static ObjectMapper bundleMapper(ClassLoader loader) {
        TypeFactory types = TypeFactory.defaultInstance().withCache(new LRUMap<>(16, 256)).withClassLoader(loader);
        return JsonMapper.builder()
                .typeFactory(types)
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .build();
    }

    static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new IOException("request body larger than " + MAX_BODY + " bytes");
            }
            return body;
        }
    }

    static void write(HttpExchange exchange, int status, Object body, ObjectMapper mapper) throws IOException {
        byte[] bytes = mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static void error(HttpExchange exchange, int status, String code, String message, ObjectMapper mapper) throws IOException {
        write(exchange, status, Map.of("status", code, "message", message), mapper);
    }
}
