package io.swivel.server.internal.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.util.LRUMap;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON in and out of the admin HTTP API. */
final class HttpJson {

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

    /**
     * Renders an answer's body as the admin API always has: pretty-printed JSON.
     *
     * @param body the body
     * @param mapper the server's mapper
     * @return the bytes
     * @throws IllegalArgumentException if the body cannot be rendered
     */
    static byte[] bytes(Object body, ObjectMapper mapper) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot render an admin answer as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The body of an error answer.
     *
     * @param code e.g. {@code UNAUTHORIZED}
     * @param message what happened and what to do
     * @return {@code {"status": code, "message": message}}
     */
    static Map<String, Object> error(String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", code);
        body.put("message", message);
        return body;
    }
}
