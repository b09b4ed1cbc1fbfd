package io.swivel.server.internal.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One answer of the admin API, independent of Netty until it is written: status, content type,
 * body and extra headers.
 *
 * @param status the HTTP status
 * @param contentType the content type of the body
 * @param body the body
 * @param headers more headers, e.g. {@code Set-Cookie}
 */
record AdminReply(int status, String contentType, byte[] body, Map<String, String> headers) {

    static final String JSON = "application/json; charset=utf-8";

    static AdminReply json(int status, Object body, ObjectMapper mapper) {
        return new AdminReply(status, JSON, HttpJson.bytes(body, mapper), Map.of());
    }

    static AdminReply error(int status, String code, String message, ObjectMapper mapper) {
        return json(status, HttpJson.error(code, message), mapper);
    }

    /** @return a copy with one more header */
    AdminReply with(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new AdminReply(status, contentType, body, more);
    }

    /**
     * The Netty response.
     *
     * @param keepAlive false to tell the client this connection closes after it
     * @return a response owning a buffer over the body
     */
    FullHttpResponse toResponse(boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.wrappedBuffer(body));
        headers.forEach((name, value) -> response.headers().set(name, value));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        response.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        return response;
    }
}
